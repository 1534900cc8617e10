#include "gateway/http/resources/push.h"

#include <Poco/Net/MediaType.h>
#include <Poco/String.h>

#include <map>

#include "gateway/sources/push/push_source.h"

namespace gw {

using Poco::Net::HTTPResponse;

namespace {

/// The adapter format a pushed body's Content-Type names.
std::string formatOf(const std::string& contentType) {
    static const std::map<std::string, std::string> formats = {
        {"text/csv", "csv"},          {"application/csv", "csv"},
        {"application/json", "json"}, {"application/x-ndjson", "json"},
        {"application/xml", "xml"},   {"text/xml", "xml"}};
    Poco::Net::MediaType type(contentType.empty() ? "application/octet-stream" : contentType);
    auto found = formats.find(Poco::toLower(type.getType() + "/" + type.getSubType()));
    return found == formats.end() ? "" : found->second;
}

/// The push source of the path's municipality and dataset, if one is configured.
const PushSource* pushSourceOf(const TransferRunner& runner, const Call& call) {
    for (const auto& source : runner.sources().all()) {
        auto push = dynamic_cast<const PushSource*>(source.get());
        if (push && push->receives(call.segments[2], call.segments[3])) return push;
    }
    return nullptr;
}

HTTPResponse::HTTPStatus statusOf(PushReceipt::Outcome outcome) {
    switch (outcome) {
        case PushReceipt::Outcome::Spooled:
            return HTTPResponse::HTTP_ACCEPTED;
        case PushReceipt::Outcome::TooLarge:
            return HTTPResponse::HTTP_REQUESTENTITYTOOLARGE;
        case PushReceipt::Outcome::TooSlow:
            return HTTPResponse::HTTP_REQUEST_TIMEOUT;
        case PushReceipt::Outcome::Truncated:
            return HTTPResponse::HTTP_BAD_REQUEST;
        case PushReceipt::Outcome::NoSpace:
            break;
    }
    return HTTPResponse::HTTP_INSUFFICIENT_STORAGE;
}

}  // namespace

void acceptPush(const HttpApiContext& context, Call& call) {
    const PushSource* source = pushSourceOf(context.transfers.runner(), call);
    if (!source) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND,
                  "no push source for that municipality and dataset");
        return;
    }
    if (auto frozen = frozenReason(context.store, source->mapping().municipality())) {
        sendError(call.response, HTTPResponse::HTTP_CONFLICT, *frozen);
        return;
    }
    std::string format = source->mapping().format();
    if (formatOf(call.request.getContentType()) != format) {
        sendError(call.response, HTTPResponse::HTTP_UNSUPPORTED_MEDIA_TYPE,
                  "this dataset takes " + format);
        return;
    }
    if (!call.request.hasContentLength() && !call.request.getChunkedTransferEncoding()) {
        sendError(call.response, HTTPResponse::HTTP_LENGTH_REQUIRED,
                  "a push says its length (Content-Length) or comes in chunks");
        return;
    }
    PushLimits limits{context.settings.pushMaxBytes, context.settings.httpMinBodyBytesPerSecond,
                      context.settings.httpReadTimeoutSeconds};
    std::optional<std::uint64_t> declared;
    if (call.request.hasContentLength())
        declared = static_cast<std::uint64_t>(call.request.getContentLength64());
    if (declared && *declared > limits.maxBytes) {
        sendError(call.response, HTTPResponse::HTTP_REQUESTENTITYTOOLARGE,
                  "the body is larger than " + std::to_string(limits.maxBytes) + " bytes");
        return;
    }
    PushReceipt receipt = source->accept(call.request.stream(), declared, limits);
    if (!receipt.spooled()) {
        sendError(call.response, statusOf(receipt.outcome), receipt.reason);
        return;
    }
    auto transfer = context.transfers.queue(source->name(), receipt.input);
    sendJson(call.response, HTTPResponse::HTTP_ACCEPTED, transfer->toJson());
}

}  // namespace gw
