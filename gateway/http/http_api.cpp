#include "gateway/http/http_api.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <chrono>
#include <functional>
#include <optional>

#include "gateway/http/resources/console.h"
#include "gateway/http/route.h"

namespace gw {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

// After a POST is answered, what the client still sends is read and dropped for this long at
// most, so that a client that writes its whole body before reading gets the answer rather than
// a reset connection; a larger body is cut off.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::streamsize kLingerBytes = 4 << 20;

/// Reads and drops what a client still sends after its POST was answered, for a short while.
void linger(HTTPServerRequest& request) {
    auto& socket = static_cast<Poco::Net::HTTPServerRequestImpl&>(request).socket();
    auto deadline = std::chrono::steady_clock::now() + kLingerTime;
    std::vector<char> buffer(1 << 16);
    std::streamsize dropped = 0;
    try {
        socket.setReceiveTimeout(Poco::Timespan(0, 200000));
        std::istream& body = request.stream();
        while (body && dropped < kLingerBytes && std::chrono::steady_clock::now() < deadline) {
            body.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
            if (body.gcount() == 0) break;
            dropped += body.gcount();
        }
    } catch (const Poco::Exception&) {
        // a timeout or a reset: nothing more to drop
    }
}

/// Answers one request with a function, turning failures into JSON errors. On a route that reads
/// personal data, an attempt the function did not audit itself (a refusal, a failure) is audited
/// with the status it got.
class FunctionHandler : public Poco::Net::HTTPRequestHandler {
  public:
    using Body = std::function<void(Call&)>;
    FunctionHandler(Body body, std::optional<TokenGrant> grant, std::vector<std::string> segments,
                    Poco::URI::QueryParameters query, Store* auditLog)
        : body_(std::move(body)),
          grant_(std::move(grant)),
          segments_(std::move(segments)),
          query_(std::move(query)),
          auditLog_(auditLog) {}

    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        Call call{request, response, grant_ ? &*grant_ : nullptr, segments_, query_, auditLog_};
        // A body may be left unread (a refused push): one connection per POST, and what is left
        // is read and dropped after the answer, so that a client sending its whole body before
        // reading gets the answer rather than a reset connection.
        bool hasBody = request.getMethod() == HTTPRequest::HTTP_POST;
        if (hasBody) response.setKeepAlive(false);
        try {
            body_(call);
        } catch (const BadRequest& e) {
            if (!response.sent()) refuse(call, HTTPResponse::HTTP_BAD_REQUEST, e.what());
        } catch (const std::exception& e) {
            // The path only: a query or body could hold what the log must not.
            Poco::Logger::get("gateway.http")
                .error(request.getMethod() + " " + Poco::URI(request.getURI()).getPath() + ": " +
                       e.what());
            if (!response.sent()) {
                sendError(call, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                          "the request failed; see the log");
            }
        }
        if (auditLog_ && !call.audited) {
            try {
                audit(*auditLog_, call, FeedRead{});
            } catch (const std::exception& e) {
                Poco::Logger::get("gateway.http")
                    .error("cannot audit a refused read of " +
                           Poco::URI(request.getURI()).getPath() + ": " + e.what());
            }
        }
        if (hasBody) linger(request);
    }

  private:
    Body body_;
    std::optional<TokenGrant> grant_;
    std::vector<std::string> segments_;
    Poco::URI::QueryParameters query_;
    Store* auditLog_;  ///< set on routes that read personal data
};

}  // namespace

Poco::Net::HTTPRequestHandler* HttpApi::createRequestHandler(const HTTPServerRequest& request) {
    Poco::URI uri(request.getURI());
    std::vector<std::string> segments;
    uri.getPathSegments(segments);
    auto query = uri.getQueryParameters();
    const Route* route = nullptr;
    for (const auto& candidate : routes()) {
        if (candidate.matches(request.getMethod(), segments)) {
            route = &candidate;
            break;
        }
    }
    Store* auditLog = route && route->personal ? &context_.store : nullptr;
    // Open paths under /v1 and /fhir: signing in, the cut-over public key, and the FHIR
    // CapabilityStatement, which FHIR clients expect to read without a token.
    bool guarded = !segments.empty() && (segments[0] == "v1" || segments[0] == "fhir") &&
                   !(route && route->scope.empty());

    // Who is asking comes first: without a valid token, every guarded path looks the same.
    // Under /v1, a console session's cookie stands for its token when no token is sent.
    std::optional<TokenGrant> grant;
    std::optional<ConsoleSessions::Session> session;
    if (guarded) {
        grant = context_.access.authenticate(request.get("Authorization", ""));
        if (!grant && segments[0] == "v1" && !request.has("Authorization")) {
            session = context_.sessions.find(sessionCookie(request));
            if (session) grant = context_.access.grantOf(session->tokenSha256);
        }
        if (!grant) {
            return new FunctionHandler(
                [](Call& call) {
                    call.response.set("WWW-Authenticate", "Bearer");
                    refuse(call, HTTPResponse::HTTP_UNAUTHORIZED,
                           "a valid bearer token is required");
                },
                std::nullopt, segments, query, auditLog);
        }
    }
    // A browser sends the cookie with whatever a page asks of it, so a session's request that
    // changes something must also show the session's CSRF token, which only the console's own
    // pages can read.
    bool safeMethod = request.getMethod() == HTTPRequest::HTTP_GET ||
                      request.getMethod() == HTTPRequest::HTTP_HEAD;
    if (session && !safeMethod &&
        !AccessControl::equalInConstantTime(request.get(kCsrfHeader, ""), session->csrfToken)) {
        return new FunctionHandler(
            [](Call& call) {
                sendError(
                    call, HTTPResponse::HTTP_FORBIDDEN,
                    std::string("a console session's change needs its ") + kCsrfHeader + " header");
            },
            grant, segments, query, auditLog);
    }
    if (!route) {
        return new FunctionHandler(
            [](Call& call) { sendError(call, HTTPResponse::HTTP_NOT_FOUND, "no such resource"); },
            grant, segments, query, nullptr);
    }
    if (!route->scope.empty() && !route->permits(*grant, segments, context_.feeds)) {
        return new FunctionHandler(
            [](Call& call) {
                sendError(call, HTTPResponse::HTTP_FORBIDDEN,
                          "the token does not have the scope this needs");
            },
            grant, segments, query, auditLog);
    }
    const HttpApiContext& context = context_;
    auto handle = route->handle;
    return new FunctionHandler([&context, handle](Call& call) { handle(context, call); }, grant,
                               segments, query, auditLog);
}

}  // namespace gw
