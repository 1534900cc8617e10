#pragma once

#include "gateway/http/call.h"

namespace gw {

/// The reports resource: the survey's questions answered from the stored records, for the
/// county's managers (scope reports:read, or feed:read) and the console's indicators.
/// GET /v1/reports: each report's name and description.
void listReports(const HttpApiContext& context, Call& call);
/// GET /v1/reports/{name}?asOf=YYYY-MM-DD&municipality=CODE: its rows, as `gatewayctl report
/// NAME --json` gives them, computed at the date (today by default), of one municipality or all.
void runReport(const HttpApiContext& context, Call& call);

}  // namespace gw
