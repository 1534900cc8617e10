#include "gateway/http/resources/transfers.h"

#include <Poco/NumberParser.h>

#include <algorithm>
#include <map>
#include <optional>
#include <tuple>

#include "gateway/core/errors.h"
#include "gateway/transfers/reprocess.h"

namespace gw {

using Poco::Net::HTTPResponse;

namespace {

/// Whether the caller may see a transfer: transfers:admin sees every one, push:<code> its
/// municipality's.
bool mayRead(const Call& call, const TransferInfo& transfer) {
    return call.grant->allows("transfers:admin") ||
           call.grant->allows("push:" + transfer.municipality);
}

/// The transfer the path names, if the caller may see it; else the call is answered 404 (and
/// audited on a route that reads personal data). Another municipality's transfer is answered as
/// one that does not exist, so that a token learns nothing of what it may not read.
std::optional<TransferInfo> transferOf(Store& store, Call& call) {
    Poco::Int64 number = 0;
    std::optional<TransferInfo> transfer;
    if (Poco::NumberParser::tryParse64(call.segments[2], number))
        transfer = store.findTransfer(number);
    if (transfer && mayRead(call, *transfer)) return transfer;
    refuse(call, HTTPResponse::HTTP_NOT_FOUND, "no transfer with that id");
    return std::nullopt;
}

/// One CSV field (RFC 4180): quoted when it holds the separator, a quote or a line break.
std::string csvField(const std::string& value) {
    if (value.find_first_of(";\"\r\n") == std::string::npos) return value;
    std::string quoted = "\"";
    for (char c : value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

}  // namespace

void listTransfers(const HttpApiContext& context, Call& call) {
    TransferFilter filter;
    filter.source = textParameter(call.query, "source");
    filter.state = textParameter(call.query, "state");
    filter.before = numberParameter(call.query, "before", 0, INT64_MAX);
    filter.limit = static_cast<std::size_t>(numberParameter(call.query, "limit", 100, 1000));
    std::string municipality = textParameter(call.query, "municipality");
    // A push token lists its own municipalities' transfers only.
    if (!call.grant->allows("transfers:admin")) {
        for (const auto& scope : call.grant->scopes) {
            if (scope.rfind("push:", 0) == 0 &&
                (municipality.empty() || scope.substr(5) == municipality))
                filter.municipalities.push_back(scope.substr(5));
        }
        if (filter.municipalities.empty()) {
            sendJson(call.response, HTTPResponse::HTTP_OK,
                     {{"transfers", nlohmann::json::array()}});
            return;
        }
    } else if (!municipality.empty()) {
        filter.municipalities = {municipality};
    }
    nlohmann::json list = nlohmann::json::array();
    auto transfers = context.store.listTransfers(filter);
    for (const auto& transfer : transfers) list.push_back(transfer.toJson());
    nlohmann::json answer{{"transfers", list}};
    // A full page may have more after it: `next` asks for them.
    if (filter.limit > 0 && transfers.size() == filter.limit) answer["next"] = transfers.back().id;
    sendJson(call.response, HTTPResponse::HTTP_OK, answer);
}

void queueTransfer(const HttpApiContext& context, Call& call) {
    TransferWorkers& transfers = context.transfers;
    nlohmann::json body;
    try {
        body = nlohmann::json::parse(call.request.stream());
    } catch (const nlohmann::json::exception&) {
        throw BadRequest("the body must be a JSON object like {\"source\": \"nokia\"}");
    }
    if (!body.is_object() || !body.contains("source") || !body["source"].is_string())
        throw BadRequest("the body must be a JSON object like {\"source\": \"nokia\"}");
    std::string name = body["source"].get<std::string>();
    const Source* source = transfers.runner().sources().find(name);
    if (!source) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no source with that name");
        return;
    }
    if (auto frozen = frozenReason(context.store, source->mapping().municipality())) {
        sendError(call.response, HTTPResponse::HTTP_CONFLICT, *frozen);
        return;
    }
    if (!source->requestedInput()) {
        sendError(call.response, HTTPResponse::HTTP_CONFLICT,
                  "a " + source->kind() +
                      " source runs when its data arrives; POST /v1/transfers/{id}/rerun runs "
                      "one of its transfers again");
        return;
    }
    auto transfer = transfers.queue(name);
    sendJson(call.response, HTTPResponse::HTTP_ACCEPTED, transfer->toJson());
}

void showTransfer(const HttpApiContext& context, Call& call) {
    if (auto transfer = transferOf(context.store, call))
        sendJson(call.response, HTTPResponse::HTTP_OK, transfer->toJson());
}

void reprocessTransfer(const HttpApiContext& context, Call& call) {
    auto transfer = transferOf(context.store, call);
    if (!transfer) return;
    if (transfer->state == "queued" || transfer->state == "running") {
        sendError(call.response, HTTPResponse::HTTP_CONFLICT,
                  "the transfer is " + transfer->state + "; it can run again once it ends");
        return;
    }
    bool dryRun = flagParameter(call.query, "dryRun");
    if (auto frozen = frozenReason(context.store, transfer->municipality); frozen && !dryRun) {
        sendError(call.response, HTTPResponse::HTTP_CONFLICT, *frozen);
        return;
    }
    try {
        if (dryRun) {
            sendJson(call.response, HTTPResponse::HTTP_OK,
                     previewReprocess(context.store, context.transfers.runner(),
                                      context.transfers.originalOf(*transfer)));
        } else {
            sendJson(call.response, HTTPResponse::HTTP_ACCEPTED,
                     context.transfers.reprocess(*transfer).toJson());
        }
    } catch (const InputError& e) {
        sendError(call.response, HTTPResponse::HTTP_GONE, e.what());
    }
}

void sendChanges(const HttpApiContext& context, Call& call) {
    auto transfer = transferOf(context.store, call);
    if (!transfer) return;
    if (transfer->reprocessOf == 0) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND,
                  "transfer " + std::to_string(transfer->id) +
                      " re-runs no transfer; its counts say what it stored");
        return;
    }
    if (transfer->state == "queued" || transfer->state == "running") {
        sendError(call.response, HTTPResponse::HTTP_CONFLICT,
                  "the re-run is " + transfer->state + "; its report is ready once it ends");
        return;
    }
    try {
        sendJson(call.response, HTTPResponse::HTTP_OK,
                 reportReprocess(context.store, context.transfers.runner(), *transfer));
    } catch (const InputError& e) {
        sendError(call.response, HTTPResponse::HTTP_GONE, e.what());
    }
}

void reconcileTransfer(const HttpApiContext& context, Call& call) {
    Store& store = context.store;
    auto transfer = transferOf(store, call);
    if (!transfer) return;
    sendJson(call.response, HTTPResponse::HTTP_OK, store.reconcileTransfer(transfer->id).toJson());
}

void groupRejects(const HttpApiContext& context, Call& call) {
    constexpr std::size_t kExamples = 3;
    auto transfer = transferOf(context.store, call);
    if (!transfer) return;
    struct Group {
        std::string stage, rule, field;
        std::uint64_t count = 0;
        nlohmann::json examples = nlohmann::json::array();
    };
    std::map<std::tuple<std::string, std::string, std::string>, Group> groups;
    forEachReject(context.store, transfer->id, [&](const Rejection& reject) {
        std::string stage = stageName(reject.stage);
        Group& group = groups[{stage, reject.rule, reject.field}];
        if (group.count++ == 0) group = {stage, reject.rule, reject.field, 1};
        if (group.examples.size() < kExamples) group.examples.push_back(reject.position.toJson());
    });
    std::vector<Group*> largestFirst;
    for (auto& [key, group] : groups) largestFirst.push_back(&group);
    std::stable_sort(largestFirst.begin(), largestFirst.end(),
                     [](const Group* a, const Group* b) { return a->count > b->count; });
    nlohmann::json list = nlohmann::json::array();
    for (const Group* group : largestFirst) {
        list.push_back({{"stage", group->stage},
                        {"rule", group->rule},
                        {"field", group->field},
                        {"count", group->count},
                        {"examples", group->examples}});
    }
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"groups", list}});
}

void listRejects(const HttpApiContext& context, Call& call) {
    Store& store = context.store;
    auto transfer = transferOf(store, call);
    if (!transfer) return;
    auto after = numberParameter(call.query, "after", 0, INT64_MAX);
    auto limit = numberParameter(call.query, "limit", 1000, kMaxPage);
    nlohmann::json list = nlohmann::json::array();
    std::int64_t next = after;
    for (const auto& reject :
         store.listRejects(transfer->id, after, static_cast<std::size_t>(limit))) {
        list.push_back(reject.toJson());
        next = reject.id;
    }
    call.response.setStatus(HTTPResponse::HTTP_OK);
    audit(store, call,
          whatWasRead("", "rejects", after, next, static_cast<std::int64_t>(list.size())));
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"rejects", list}, {"next", next}});
}

void sendRejectionReport(const HttpApiContext& context, Call& call) {
    Store& store = context.store;
    auto transfer = transferOf(store, call);
    if (!transfer) return;
    call.response.setStatus(HTTPResponse::HTTP_OK);
    auto rejected = static_cast<std::int64_t>(transfer->counts.rejected);
    audit(store, call, whatWasRead("", "rejection-report", 0, 0, rejected));
    call.response.setContentType("text/csv; charset=utf-8");
    call.response.set("Content-Disposition", "attachment; filename=\"hylatyt-siirto-" +
                                                 std::to_string(transfer->id) + ".csv\"");
    call.response.setChunkedTransferEncoding(true);
    std::ostream& out = call.response.send();
    out << "tiedosto;rivi;tietue;vaihe;sääntö;kenttä;syy\r\n";
    forEachReject(store, transfer->id, [&](const Rejection& why) {
        const SourcePosition& at = why.position;
        out << csvField(at.input) << ';' << (at.line != 0 ? std::to_string(at.line) : "") << ';'
            << at.record << ';' << csvField(stageName(why.stage)) << ';' << csvField(why.rule)
            << ';' << csvField(why.field) << ';' << csvField(why.message) << "\r\n";
    });
}

}  // namespace gw
