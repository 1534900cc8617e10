#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The sources resource: every configured source with its schedule and state, and pausing and
/// resuming one (this instance's, until it stops).
/// GET /v1/sources.
void listSources(const HttpApiContext& context, Call& call);
/// POST /v1/sources/{name}/pause.
void pauseSource(const HttpApiContext& context, Call& call);
/// POST /v1/sources/{name}/resume.
void resumeSource(const HttpApiContext& context, Call& call);

/// POST /v1/sources/{name}/reprocess[?dryRun=true]: re-runs every input the source still keeps
/// (TransferWorkers::planReprocess) through its current mapping, or reports what that would
/// change; the inputs no longer kept are listed with why.
void reprocessSource(const HttpApiContext& context, Call& call);

}  // namespace gw
