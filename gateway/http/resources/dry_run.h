#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The dry-run resource: the console's upload of a sample export, checked against a configured
/// mapping without storing anything.
/// POST /v1/dry-run?mapping=NAME: the body is the export; the answer is `gatewayctl check`'s
/// report. The upload is kept in the spool folder only while it is checked, then deleted.
void dryRun(const HttpApiContext& context, Call& call);

}  // namespace gw
