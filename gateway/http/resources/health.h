#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The health resource: liveness and readiness, open to anyone (also answered by the front
/// before the pool, see HttpFront).
/// GET /healthz.
void sendHealth(const HttpApiContext& context, Call& call);
/// GET /readyz: 503 until configuration and store are loaded.
void sendReadiness(const HttpApiContext& context, Call& call);

}  // namespace gw
