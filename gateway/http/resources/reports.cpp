#include "gateway/http/resources/reports.h"

#include "gateway/core/calendar.h"
#include "gateway/reports/report.h"

namespace gw {

using Poco::Net::HTTPResponse;

void listReports(const HttpApiContext&, Call& call) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& report : allReports())
        list.push_back({{"name", report->name()}, {"description", report->description()}});
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"reports", list}});
}

void runReport(const HttpApiContext& context, Call& call) {
    const Report* report = nullptr;
    for (const auto& candidate : allReports()) {
        if (candidate->name() == call.segments[2]) report = candidate.get();
    }
    if (!report) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no report of that name");
        return;
    }
    ReportContext reportContext{context.settings.schemaDirectory + "/codes",
                                textParameter(call.query, "asOf")};
    if (reportContext.asOf.empty()) reportContext.asOf = todayIso();
    if (!dayNumber(reportContext.asOf)) throw BadRequest("asOf must be a date, YYYY-MM-DD");
    std::string municipality = textParameter(call.query, "municipality");
    nlohmann::json rows = nlohmann::json::array();
    for (auto& row : report->compute(context.store, reportContext)) {
        if (municipality.empty() || row["municipality"] == municipality)
            rows.push_back(std::move(row));
    }
    sendJson(call.response, HTTPResponse::HTTP_OK,
             {{"report", report->name()}, {"asOf", reportContext.asOf}, {"rows", rows}});
}

}  // namespace gw
