#include "gateway/http/resources/sources.h"

#include "gateway/core/errors.h"
#include "gateway/transfers/reprocess.h"

namespace gw {
namespace {

using Poco::Net::HTTPResponse;

void setPaused(const HttpApiContext& context, Call& call, bool paused) {
    if (!context.scheduler.setPaused(call.segments[2], paused)) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no source with that name");
        return;
    }
    sendJson(call.response, HTTPResponse::HTTP_OK,
             {{"source", call.segments[2]}, {"paused", paused}});
}

}  // namespace

void listSources(const HttpApiContext& context, Call& call) {
    nlohmann::json sources = context.scheduler.describe();
    auto failures = context.transfers.runner().consecutiveFailures();
    std::map<std::string, bool> frozen;  // by municipality
    for (auto& source : sources) {
        std::string name = source["name"];
        std::string municipality = source["municipality"];
        if (!frozen.count(municipality))
            frozen[municipality] = frozenReason(context.store, municipality).has_value();
        // The newest success by the log's index, not a sum over the whole log.
        TransferFilter lastSuccess;
        lastSuccess.source = name;
        lastSuccess.state = "succeeded";
        lastSuccess.limit = 1;
        auto found = context.store.listTransfers(lastSuccess);
        if (!found.empty()) source["lastSuccessAt"] = found.front().finishedAt;
        int failed = failures.count(name) ? failures[name] : 0;
        source["consecutiveFailures"] = failed;
        // The one word a console shows: what needs looking at first comes first.
        if (frozen[municipality])
            source["status"] = "frozen";
        else if (source["paused"].get<bool>())
            source["status"] = "paused";
        else if (failed > 0)
            source["status"] = "failing";
        else if (source.value("late", false))
            source["status"] = "late";
        else
            source["status"] = "on-time";
    }
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"sources", sources}});
}

void pauseSource(const HttpApiContext& context, Call& call) {
    setPaused(context, call, true);
}

void resumeSource(const HttpApiContext& context, Call& call) {
    setPaused(context, call, false);
}

void reprocessSource(const HttpApiContext& context, Call& call) {
    TransferWorkers& transfers = context.transfers;
    const Source* source = transfers.runner().sources().find(call.segments[2]);
    if (!source) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no source with that name");
        return;
    }
    bool dryRun = flagParameter(call.query, "dryRun");
    if (auto frozen = frozenReason(context.store, source->mapping().municipality());
        frozen && !dryRun) {
        sendError(call.response, HTTPResponse::HTTP_CONFLICT, *frozen);
        return;
    }
    auto plan = transfers.planReprocess(*source);
    nlohmann::json answer{{"source", source->name()}, {"gone", nlohmann::json::array()}};
    for (const auto& [transfer, why] : plan.gone)
        answer["gone"].push_back({{"transfer", transfer.id}, {"reason", why}});
    nlohmann::json& done = answer[dryRun ? "reports" : "transfers"] = nlohmann::json::array();
    for (const auto& transfer : plan.kept) {
        try {
            done.push_back(dryRun ? previewReprocess(context.store, transfers.runner(), transfer)
                                  : transfers.reprocess(transfer).toJson());
        } catch (const InputError& e) {  // deleted since the plan was made
            answer["gone"].push_back({{"transfer", transfer.id}, {"reason", e.what()}});
        }
    }
    sendJson(call.response, dryRun ? HTTPResponse::HTTP_OK : HTTPResponse::HTTP_ACCEPTED, answer);
}

}  // namespace gw
