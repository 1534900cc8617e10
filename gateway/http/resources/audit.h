#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The audit resource: the log of every attempt to read personal data, for audit:read tokens.
/// GET /v1/audit/feed-reads: the log, oldest first, a page after a cursor.
void listFeedReads(const HttpApiContext& context, Call& call);

}  // namespace gw
