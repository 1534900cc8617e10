#include "gateway/daemon/http_api.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/NumberParser.h>
#include <Poco/URI.h>

#include <functional>

namespace gw {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kMaxPage = 10000;

void sendJson(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
              const nlohmann::json& body) {
    std::string text = body.dump() + "\n";
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    response.send() << text;
}

void sendError(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
               const std::string& detail) {
    sendJson(response, status,
             {{"error", HTTPResponse::getReasonForStatus(status)}, {"detail", detail}});
}

/// A request's query parameter that is a number; throws BadRequest otherwise.
struct BadRequest : std::runtime_error {
    using std::runtime_error::runtime_error;
};

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

std::string textParameter(const Poco::URI::QueryParameters& query, const std::string& name) {
    for (const auto& [key, value] : query) {
        if (key == name) return value;
    }
    return "";
}

/// One request: who sent it (when the route needs a token) and what it asks.
struct Call {
    HTTPServerRequest& request;
    HTTPServerResponse& response;
    const TokenGrant* grant;
    const std::vector<std::string>& segments;
    const Poco::URI::QueryParameters& query;
};

/// Answers one request with a function, turning failures into JSON errors.
class FunctionHandler : public Poco::Net::HTTPRequestHandler {
  public:
    using Body = std::function<void(Call&)>;
    FunctionHandler(Body body, std::optional<TokenGrant> grant, std::vector<std::string> segments,
                    Poco::URI::QueryParameters query)
        : body_(std::move(body)),
          grant_(std::move(grant)),
          segments_(std::move(segments)),
          query_(std::move(query)) {}

    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        Call call{request, response, grant_ ? &*grant_ : nullptr, segments_, query_};
        try {
            body_(call);
        } catch (const BadRequest& e) {
            if (!response.sent()) sendError(response, HTTPResponse::HTTP_BAD_REQUEST, e.what());
        } catch (const std::exception& e) {
            // The path only: a query or body could hold what the log must not.
            Poco::Logger::get("gateway.http")
                .error(request.getMethod() + " " + Poco::URI(request.getURI()).getPath() + ": " +
                       e.what());
            if (!response.sent()) {
                sendError(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                          "the request failed; see the log");
            }
        }
    }

  private:
    Body body_;
    std::optional<TokenGrant> grant_;
    std::vector<std::string> segments_;
    Poco::URI::QueryParameters query_;
};

void listTransfers(Store& store, Call& call) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& transfer : store.listTransfers(100)) list.push_back(transfer.toJson());
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"transfers", list}});
}

void queueTransfer(TransferWorkers& transfers, Call& call) {
    nlohmann::json body;
    try {
        body = nlohmann::json::parse(call.request.stream());
    } catch (const nlohmann::json::exception&) {
        throw BadRequest("the body must be a JSON object like {\"source\": \"nokia\"}");
    }
    if (!body.is_object() || !body.contains("source") || !body["source"].is_string())
        throw BadRequest("the body must be a JSON object like {\"source\": \"nokia\"}");
    auto transfer = transfers.queue(body["source"].get<std::string>());
    if (!transfer) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no source with that name");
        return;
    }
    sendJson(call.response, HTTPResponse::HTTP_ACCEPTED, transfer->toJson());
}

std::optional<TransferInfo> transferOf(Store& store, const std::string& id) {
    Poco::Int64 number = 0;
    if (!Poco::NumberParser::tryParse64(id, number)) return std::nullopt;
    return store.findTransfer(number);
}

void showTransfer(Store& store, Call& call) {
    if (auto transfer = transferOf(store, call.segments[2])) {
        sendJson(call.response, HTTPResponse::HTTP_OK, transfer->toJson());
    } else {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no transfer with that id");
    }
}

void listRejects(Store& store, Call& call) {
    auto transfer = transferOf(store, call.segments[2]);
    if (!transfer) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no transfer with that id");
        return;
    }
    auto after = numberParameter(call.query, "after", 0, INT64_MAX);
    auto limit = numberParameter(call.query, "limit", 1000, kMaxPage);
    nlohmann::json list = nlohmann::json::array();
    std::int64_t next = after;
    for (const auto& reject :
         store.listRejects(transfer->id, after, static_cast<std::size_t>(limit))) {
        list.push_back(reject.toJson());
        next = reject.id;
    }
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"rejects", list}, {"next", next}});
}

void readFeed(const HttpApiContext& context, Call& call) {
    const std::string& entity = call.segments[2];
    // The route let in feed:read or feed:pseudonymised; feed:read may also ask for less.
    bool full =
        call.grant->allows("feed:read") && textParameter(call.query, "view") != "pseudonymised";
    if (!context.validator.knows(entity)) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no feed of that entity");
        return;
    }
    if (!full && !context.pseudonymiser) {
        sendError(call.response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE,
                  "no pseudonym key is configured");
        return;
    }
    auto after = numberParameter(call.query, "after", 0, INT64_MAX);
    auto limit = numberParameter(call.query, "limit", 1000, kMaxPage);
    auto entries = context.store.readFeed(entity, after, static_cast<std::size_t>(limit));

    std::string body;
    for (const auto& entry : entries) {
        body += full ? entry.body
                     : context.pseudonymiser->apply(nlohmann::json::parse(entry.body)).dump();
        body += '\n';
    }
    std::int64_t next = entries.empty() ? after : entries.back().seq;
    // Logged before anything is sent: a read that cannot be audited is not served.
    context.store.logFeedRead({0, "", call.grant->name, entity, full ? "full" : "pseudonymised",
                               after, next, static_cast<std::int64_t>(entries.size())});
    call.response.setStatus(HTTPResponse::HTTP_OK);
    call.response.setContentType("application/x-ndjson");
    call.response.set("X-Next-Cursor", std::to_string(next));
    call.response.set("X-Record-Count", std::to_string(entries.size()));
    call.response.setContentLength(static_cast<std::streamsize>(body.size()));
    call.response.send() << body;
}

void listFeedReads(Store& store, Call& call) {
    auto after = numberParameter(call.query, "after", 0, INT64_MAX);
    auto limit = numberParameter(call.query, "limit", 1000, kMaxPage);
    nlohmann::json list = nlohmann::json::array();
    std::int64_t next = after;
    for (const auto& read : store.listFeedReads(after, static_cast<std::size_t>(limit))) {
        list.push_back(read.toJson());
        next = read.id;
    }
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"reads", list}, {"next", next}});
}

/// One route: a method, a path pattern ("*" matches one segment) and the scope it needs.
struct Route {
    std::string method;
    std::vector<std::string> pattern;
    std::string scope;  ///< empty: open to anyone; "feed" for either feed scope
    std::function<void(const HttpApiContext&, Call&)> handle;

    bool matches(const std::string& m, const std::vector<std::string>& segments) const {
        if (m != method || segments.size() != pattern.size()) return false;
        for (std::size_t i = 0; i < pattern.size(); ++i) {
            if (pattern[i] != "*" && pattern[i] != segments[i]) return false;
        }
        return true;
    }
    bool permits(const TokenGrant& grant) const {
        if (scope == "feed") return grant.allows("feed:read") || grant.allows("feed:pseudonymised");
        return grant.allows(scope);
    }
};

const std::vector<Route>& routes() {
    static const std::vector<Route> all = {
        {HTTPRequest::HTTP_GET,
         {"healthz"},
         "",
         [](const HttpApiContext&, Call& call) {
             sendJson(call.response, HTTPResponse::HTTP_OK, {{"status", "ok"}});
         }},
        {HTTPRequest::HTTP_GET,
         {"readyz"},
         "",
         [](const HttpApiContext& context, Call& call) {
             if (context.ready) {
                 sendJson(call.response, HTTPResponse::HTTP_OK, {{"status", "ready"}});
             } else {
                 sendError(call.response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "starting");
             }
         }},
        {HTTPRequest::HTTP_GET,
         {"v1", "transfers"},
         "transfers:admin",
         [](const HttpApiContext& context, Call& call) { listTransfers(context.store, call); }},
        {HTTPRequest::HTTP_POST,
         {"v1", "transfers"},
         "transfers:admin",
         [](const HttpApiContext& context, Call& call) { queueTransfer(context.transfers, call); }},
        {HTTPRequest::HTTP_GET,
         {"v1", "transfers", "*"},
         "transfers:admin",
         [](const HttpApiContext& context, Call& call) { showTransfer(context.store, call); }},
        {HTTPRequest::HTTP_GET,
         {"v1", "transfers", "*", "rejects"},
         "transfers:admin",
         [](const HttpApiContext& context, Call& call) { listRejects(context.store, call); }},
        {HTTPRequest::HTTP_GET, {"v1", "feeds", "*"}, "feed", readFeed},
        {HTTPRequest::HTTP_GET,
         {"v1", "audit", "feed-reads"},
         "audit:read",
         [](const HttpApiContext& context, Call& call) { listFeedReads(context.store, call); }},
    };
    return all;
}

}  // namespace

Poco::Net::HTTPRequestHandler* HttpApi::createRequestHandler(const HTTPServerRequest& request) {
    Poco::URI uri(request.getURI());
    std::vector<std::string> segments;
    uri.getPathSegments(segments);
    auto query = uri.getQueryParameters();
    bool underV1 = !segments.empty() && segments[0] == "v1";

    // Who is asking comes first: without a valid token, every path under /v1 looks the same.
    std::optional<TokenGrant> grant;
    if (underV1) {
        grant = context_.access.authenticate(request.get("Authorization", ""));
        if (!grant) {
            return new FunctionHandler(
                [](Call& call) {
                    call.response.set("WWW-Authenticate", "Bearer");
                    sendError(call.response, HTTPResponse::HTTP_UNAUTHORIZED,
                              "a valid bearer token is required");
                },
                std::nullopt, segments, query);
        }
    }
    for (const auto& route : routes()) {
        if (!route.matches(request.getMethod(), segments)) continue;
        if (!route.scope.empty() && !route.permits(*grant)) {
            return new FunctionHandler(
                [](Call& call) {
                    sendError(call.response, HTTPResponse::HTTP_FORBIDDEN,
                              "the token does not have the scope this needs");
                },
                grant, segments, query);
        }
        const HttpApiContext& context = context_;
        auto handle = route.handle;
        return new FunctionHandler([&context, handle](Call& call) { handle(context, call); }, grant,
                                   segments, query);
    }
    return new FunctionHandler(
        [](Call& call) {
            sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no such resource");
        },
        grant, segments, query);
}

}  // namespace gw
