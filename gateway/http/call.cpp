#include "gateway/http/call.h"

#include <Poco/NumberParser.h>

namespace gw {

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerResponse;

void sendJson(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
              const nlohmann::json& body, const std::string& contentType) {
    std::string text = body.dump() + "\n";
    response.setStatus(status);
    response.setContentType(contentType);
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    // Sent now, before anything more of the request is read.
    response.send() << text << std::flush;
}

void sendError(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
               const std::string& detail) {
    sendJson(response, status,
             {{"error", HTTPResponse::getReasonForStatus(status)}, {"detail", detail}});
}

void sendError(Call& call, HTTPResponse::HTTPStatus status, const std::string& detail) {
    if (call.segments.empty() || call.segments[0] != "fhir") {
        sendError(call.response, status, detail);
        return;
    }
    const char* code = "exception";
    if (status == HTTPResponse::HTTP_NOT_FOUND) code = "not-found";
    if (status == HTTPResponse::HTTP_BAD_REQUEST) code = "invalid";
    if (status == HTTPResponse::HTTP_UNAUTHORIZED) code = "login";
    if (status == HTTPResponse::HTTP_FORBIDDEN) code = "forbidden";
    if (status == HTTPResponse::HTTP_TOO_MANY_REQUESTS) code = "throttled";
    sendJson(call.response, status,
             {{"resourceType", "OperationOutcome"},
              {"issue", {{{"severity", "error"}, {"code", code}, {"diagnostics", detail}}}}},
             "application/fhir+json");
}

std::int64_t numberParameter(const Poco::URI::QueryParameters& query, const std::string& name,
                             std::int64_t fallback, std::int64_t max) {
    for (const auto& [key, value] : query) {
        if (key != name) continue;
        Poco::Int64 number = 0;
        if (!Poco::NumberParser::tryParse64(value, number) || number < 0 || number > max)
            throw BadRequest(name + " must be a whole number from 0 to " + std::to_string(max));
        return number;
    }
    return fallback;
}

bool flagParameter(const Poco::URI::QueryParameters& query, const std::string& name) {
    std::string value = textParameter(query, name);
    if (value.empty() || value == "false") return false;
    if (value == "true") return true;
    throw BadRequest(name + " must be true or false");
}

std::string textParameter(const Poco::URI::QueryParameters& query, const std::string& name) {
    for (const auto& [key, value] : query) {
        if (key == name) return value;
    }
    return "";
}

FeedRead whatWasRead(std::string entity, std::string view, std::int64_t after, std::int64_t last,
                     std::int64_t records) {
    FeedRead read;
    read.entity = std::move(entity);
    read.view = std::move(view);
    read.after = after;
    read.last = last;
    read.records = records;
    return read;
}

FeedRead whoReads(const Call& call) {
    FeedRead read;
    read.reader = call.grant ? call.grant->name : "";
    read.address = call.request.clientAddress().host().toString();
    read.status = static_cast<int>(call.response.getStatus());
    read.resource = Poco::URI(call.request.getURI()).getPath();
    return read;
}

void audit(Store& store, Call& call, const FeedRead& what) {
    FeedRead read = whoReads(call);
    read.entity = what.entity;
    read.view = what.view;
    read.after = what.after;
    read.last = what.last;
    read.records = what.records;
    store.logFeedRead(read);
    call.audited = true;
}

void refuse(Call& call, HTTPResponse::HTTPStatus status, const std::string& detail) {
    call.response.setStatus(status);
    if (call.auditLog && !call.audited) audit(*call.auditLog, call, FeedRead{});
    sendError(call, status, detail);
}

}  // namespace gw
