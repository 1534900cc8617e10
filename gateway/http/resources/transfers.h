#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The transfers resource: the transfer log and queue, one transfer, a re-run of it, its
/// reconciliation, its rejects and its rejection report. A push token sees its own
/// municipality's transfers only.
/// GET /v1/transfers: the newest transfers the token may see.
void listTransfers(const HttpApiContext& context, Call& call);
/// POST /v1/transfers: queues a run of a source that reads an input of its own.
void queueTransfer(const HttpApiContext& context, Call& call);
/// GET /v1/transfers/{id}.
void showTransfer(const HttpApiContext& context, Call& call);
/// POST /v1/transfers/{id}/reprocess[?dryRun=true]: re-runs a finished transfer's input through
/// its source's current mapping, or reports what that would change.
void reprocessTransfer(const HttpApiContext& context, Call& call);
/// GET /v1/transfers/{id}/changes: the change report of a re-run that ended.
void sendChanges(const HttpApiContext& context, Call& call);
/// GET /v1/transfers/{id}/reconciliation.
void reconcileTransfer(const HttpApiContext& context, Call& call);
/// GET /v1/transfers/{id}/reject-groups: the rejects counted by stage, rule and field, largest
/// first, each with the positions of its first few.
void groupRejects(const HttpApiContext& context, Call& call);
/// GET /v1/transfers/{id}/rejects: positions and reasons, audited.
void listRejects(const HttpApiContext& context, Call& call);
/// GET /v1/transfers/{id}/rejection-report: the same as CSV for the municipality, audited.
void sendRejectionReport(const HttpApiContext& context, Call& call);

}  // namespace gw
