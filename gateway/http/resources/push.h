#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The push resource: a municipal system pushes an export of a dataset; it is durable in the
/// push source's spool before it is acknowledged (202) and queued.
/// POST /v1/push/{municipality}/{dataset}.
void acceptPush(const HttpApiContext& context, Call& call);

}  // namespace gw
