#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The feeds resource: the county reads an entity's stored versions after a cursor, in the
/// view its token allows, every attempt audited.
/// GET /v1/feeds/{entity}.
void readFeed(const HttpApiContext& context, Call& call);

}  // namespace gw
