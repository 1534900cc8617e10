#include "gateway/http/http_api.h"

#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/NumberParser.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/Timespan.h>
#include <Poco/URI.h>
#include <Poco/UUIDGenerator.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>

#include "gateway/http/metrics.h"
#include "gateway/sources/push/push_source.h"

namespace gw {
namespace {

using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

constexpr std::size_t kMaxPage = 10000;
// After a POST is answered, what the client still sends is read and dropped for this long at
// most, so that a client that writes its whole body before reading gets the answer rather than
// a reset connection; a larger body is cut off.
constexpr std::chrono::milliseconds kLingerTime{1000};
constexpr std::streamsize kLingerBytes = 4 << 20;

void sendJson(HTTPServerResponse& response, HTTPResponse::HTTPStatus status,
              const nlohmann::json& body) {
    std::string text = body.dump() + "\n";
    response.setStatus(status);
    response.setContentType("application/json");
    response.setContentLength(static_cast<std::streamsize>(text.size()));
    // Sent now, before anything more of the request is read.
    response.send() << text << std::flush;
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
    Store* auditLog = nullptr;  ///< set on routes that read personal data
    bool audited = false;       ///< set once the attempt is in the audit log
};

/// What an attempt read: the entity and view of a feed (or the kind of resource), the cursor
/// range and the number of records.
FeedRead whatWasRead(std::string entity, std::string view, std::int64_t after = 0,
                     std::int64_t last = 0, std::int64_t records = 0) {
    FeedRead read;
    read.entity = std::move(entity);
    read.view = std::move(view);
    read.after = after;
    read.last = last;
    read.records = records;
    return read;
}

/// Who makes an attempt to read personal data, from where, at which resource, and how it is
/// answered (the status set so far): the audit log's part of it that HTTP knows.
FeedRead whoReads(const Call& call) {
    FeedRead read;
    read.reader = call.grant ? call.grant->name : "";
    read.address = call.request.clientAddress().host().toString();
    read.status = static_cast<int>(call.response.getStatus());
    read.resource = Poco::URI(call.request.getURI()).getPath();
    return read;
}

/// Writes an attempt to read personal data to the audit log: who, from where, what, outcome.
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

/// Refuses a request: on a route that reads personal data, the attempt is audited first, so that
/// the audit log has it before the client has the answer.
void refuse(Call& call, HTTPResponse::HTTPStatus status, const std::string& detail) {
    call.response.setStatus(status);
    if (call.auditLog && !call.audited) audit(*call.auditLog, call, FeedRead{});
    sendError(call.response, status, detail);
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
                sendError(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
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

/// Whether the caller may see a transfer: transfers:admin sees every one, push:<code> its
/// municipality's.
bool mayRead(const Call& call, const TransferInfo& transfer) {
    return call.grant->allows("transfers:admin") ||
           call.grant->allows("push:" + transfer.municipality);
}

void listTransfers(Store& store, Call& call) {
    nlohmann::json list = nlohmann::json::array();
    for (const auto& transfer : store.listTransfers(100)) {
        if (mayRead(call, transfer)) list.push_back(transfer.toJson());
    }
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
    std::string name = body["source"].get<std::string>();
    const Source* source = transfers.runner().sources().find(name);
    if (!source) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no source with that name");
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

/// The transfer the path names, if the caller may see it: another municipality's is answered
/// as one that does not exist (404), so that a token learns nothing of what it may not read.
std::optional<TransferInfo> transferOf(Store& store, const Call& call) {
    Poco::Int64 number = 0;
    if (!Poco::NumberParser::tryParse64(call.segments[2], number)) return std::nullopt;
    auto transfer = store.findTransfer(number);
    if (!transfer || !mayRead(call, *transfer)) return std::nullopt;
    return transfer;
}

void showTransfer(Store& store, Call& call) {
    if (auto transfer = transferOf(store, call)) {
        sendJson(call.response, HTTPResponse::HTTP_OK, transfer->toJson());
    } else {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no transfer with that id");
    }
}

void listRejects(Store& store, Call& call) {
    auto transfer = transferOf(store, call);
    if (!transfer) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "no transfer with that id");
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
    call.response.setStatus(HTTPResponse::HTTP_OK);
    audit(store, call,
          whatWasRead("", "rejects", after, next, static_cast<std::int64_t>(list.size())));
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"rejects", list}, {"next", next}});
}

/// Runs a finished transfer again over the same input, as a new transfer.
void rerunTransfer(const HttpApiContext& context, Call& call) {
    auto transfer = transferOf(context.store, call);
    if (!transfer) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no transfer with that id");
        return;
    }
    if (transfer->state == "queued" || transfer->state == "running") {
        sendError(call.response, HTTPResponse::HTTP_CONFLICT,
                  "the transfer is " + transfer->state + "; it can run again once it ends");
        return;
    }
    auto again = context.transfers.rerun(*transfer);
    if (!again) {
        sendError(call.response, HTTPResponse::HTTP_GONE,
                  "the input of this transfer is no longer kept, or its source is no longer "
                  "configured");
        return;
    }
    sendJson(call.response, HTTPResponse::HTTP_ACCEPTED, again->toJson());
}

void reconcileTransfer(Store& store, Call& call) {
    auto transfer = transferOf(store, call);
    if (!transfer) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no transfer with that id");
        return;
    }
    sendJson(call.response, HTTPResponse::HTTP_OK, store.reconcileTransfer(transfer->id).toJson());
}

/// One CSV field (RFC 4180): quoted when it holds the separator, a quote or a line break.
std::string csvField(const std::string& value) {
    if (value.find_first_of(";\"\r\n") == std::string::npos) return value;
    std::string quoted = "\"";
    for (char c : value) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    return quoted + "\"";
}

/// The rejection report a municipality gets back: every quarantined record of a transfer with
/// its position, rule and reason, as CSV with Finnish column names (the separator a Finnish
/// spreadsheet expects). Positions and reasons only: no source field is in it.
void sendRejectionReport(Store& store, Call& call) {
    auto transfer = transferOf(store, call);
    if (!transfer) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "no transfer with that id");
        return;
    }
    call.response.setStatus(HTTPResponse::HTTP_OK);
    auto rejected = static_cast<std::int64_t>(transfer->counts.rejected);
    audit(store, call, whatWasRead("", "rejection-report", 0, 0, rejected));
    call.response.setContentType("text/csv; charset=utf-8");
    call.response.set("Content-Disposition", "attachment; filename=\"hylatyt-siirto-" +
                                                 std::to_string(transfer->id) + ".csv\"");
    call.response.setChunkedTransferEncoding(true);
    std::ostream& out = call.response.send();
    out << "tiedosto;rivi;tietue;vaihe;sääntö;kenttä;syy\r\n";
    // Page by page, so that a transfer with many rejects never sits whole in memory.
    for (std::int64_t after = 0;;) {
        auto page = store.listRejects(transfer->id, after, 1000);
        for (const auto& r : page) {
            const Rejection& why = r.rejection;
            const SourcePosition& at = why.position;
            out << csvField(at.input) << ';' << (at.line != 0 ? std::to_string(at.line) : "") << ';'
                << at.record << ';' << csvField(stageName(why.stage)) << ';' << csvField(why.rule)
                << ';' << csvField(why.field) << ';' << csvField(why.message) << "\r\n";
            after = r.id;
        }
        if (page.size() < 1000) break;
    }
}

void readFeed(const HttpApiContext& context, Call& call) {
    const std::string& entity = call.segments[2];
    if (!context.feeds.hasFeed(entity)) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "no feed of that entity");
        return;
    }
    const FeedViewKind* view = nullptr;
    try {
        // The route let in a token that allows some view; a view it does not allow is not an
        // error: the token gets the view it may read (feed:pseudonymised always its own).
        view = context.feeds.viewFor(
            textParameter(call.query, "view"),
            [&](const std::string& scope) { return call.grant->allows(scope); });
    } catch (const std::invalid_argument& e) {
        throw BadRequest(e.what());
    }
    auto after = numberParameter(call.query, "after", 0, INT64_MAX);
    auto limit = numberParameter(call.query, "limit", 1000, kMaxPage);
    auto& log = Poco::Logger::get("gateway.feeds");
    // Audited before anything is sent: a read that cannot be audited is not served.
    call.response.setStatus(HTTPResponse::HTTP_OK);
    std::optional<FeedService::Page> page;
    try {
        page.emplace(context.feeds.open(entity, view->name, after, static_cast<std::size_t>(limit),
                                        whoReads(call)));
    } catch (const PersonalDataLeak& e) {
        log.error("a read of the " + view->name + " " + entity + " feed after " +
                  std::to_string(after) + " was refused: " + e.what());
        refuse(call, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
               "the " + view->name + " view would have shown personal data; nothing was sent");
        return;
    }
    call.audited = true;
    call.response.setContentType("application/x-ndjson");
    call.response.set("X-Next-Cursor", std::to_string(page->last()));
    call.response.set("X-Record-Count", std::to_string(page->entries()));
    call.response.setChunkedTransferEncoding(true);
    std::ostream& out = call.response.send();
    while (!page->done()) {
        try {
            out << page->nextPart();
        } catch (const PersonalDataLeak& e) {
            // The page is cut off mid-way, never ended as if complete: the client sees a broken
            // response, not a short page.
            log.error("a read of the " + view->name + " " + entity +
                      " feed was cut off: " + e.what());
            static_cast<Poco::Net::HTTPServerRequestImpl&>(call.request).socket().shutdown();
            throw;
        }
    }
}

void sendMetrics(const HttpApiContext& context, Call& call) {
    std::string text = renderMetrics(context.store, context.transfers.runner(), context.scheduler);
    call.response.setStatus(HTTPResponse::HTTP_OK);
    call.response.setContentType("text/plain; version=0.0.4");
    call.response.setContentLength(static_cast<std::streamsize>(text.size()));
    call.response.send() << text;
}

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

void acceptPush(const HttpApiContext& context, Call& call) {
    const PushSource* source = pushSourceOf(context.transfers.runner(), call);
    if (!source) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND,
                  "no push source for that municipality and dataset");
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

void pauseSource(const HttpApiContext& context, Call& call, bool paused) {
    if (!context.scheduler.setPaused(call.segments[2], paused)) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no source with that name");
        return;
    }
    sendJson(call.response, HTTPResponse::HTTP_OK,
             {{"source", call.segments[2]}, {"paused", paused}});
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
    /// Empty: open to anyone; "feed" for the scope of any feed view; "push" for push:<the path's
    /// municipality>; "transfers" for transfers:admin or any push scope (the handler then shows
    /// a push token its own municipality's transfers only).
    std::string scope;
    std::function<void(const HttpApiContext&, Call&)> handle;
    /// Reads personal data: every attempt, refused or not, goes to the audit log.
    bool personal = false;

    bool matches(const std::string& m, const std::vector<std::string>& segments) const {
        if (m != method || segments.size() != pattern.size()) return false;
        for (std::size_t i = 0; i < pattern.size(); ++i) {
            if (pattern[i] != "*" && pattern[i] != segments[i]) return false;
        }
        return true;
    }
    bool permits(const TokenGrant& grant, const std::vector<std::string>& segments,
                 const FeedService& feeds) const {
        if (scope == "feed")
            return feeds.readable([&](const std::string& s) { return grant.allows(s); });
        if (scope == "push") return grant.allows("push:" + segments[2]);
        if (scope == "transfers") {
            if (grant.allows("transfers:admin")) return true;
            for (const auto& held : grant.scopes) {
                if (held.rfind("push:", 0) == 0) return true;
            }
            return false;
        }
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
        // Open, as Prometheus scrapes: counts and times, no names or records.
        {HTTPRequest::HTTP_GET, {"metrics"}, "", sendMetrics},
        {HTTPRequest::HTTP_GET,
         {"v1", "transfers"},
         "transfers",
         [](const HttpApiContext& context, Call& call) { listTransfers(context.store, call); }},
        {HTTPRequest::HTTP_POST,
         {"v1", "transfers"},
         "transfers:admin",
         [](const HttpApiContext& context, Call& call) { queueTransfer(context.transfers, call); }},
        {HTTPRequest::HTTP_GET,
         {"v1", "transfers", "*"},
         "transfers",
         [](const HttpApiContext& context, Call& call) { showTransfer(context.store, call); }},
        {HTTPRequest::HTTP_POST,
         {"v1", "transfers", "*", "rerun"},
         "transfers:admin",
         rerunTransfer},
        {HTTPRequest::HTTP_GET,
         {"v1", "transfers", "*", "reconciliation"},
         "transfers",
         [](const HttpApiContext& context, Call& call) { reconcileTransfer(context.store, call); }},
        {HTTPRequest::HTTP_GET,
         {"v1", "transfers", "*", "rejects"},
         "transfers",
         [](const HttpApiContext& context, Call& call) { listRejects(context.store, call); },
         true},
        {HTTPRequest::HTTP_GET,
         {"v1", "transfers", "*", "rejection-report"},
         "transfers",
         [](const HttpApiContext& context, Call& call) {
             sendRejectionReport(context.store, call);
         },
         true},
        {HTTPRequest::HTTP_POST, {"v1", "push", "*", "*"}, "push", acceptPush},
        {HTTPRequest::HTTP_GET,
         {"v1", "sources"},
         "transfers:admin",
         [](const HttpApiContext& context, Call& call) {
             sendJson(call.response, HTTPResponse::HTTP_OK,
                      {{"sources", context.scheduler.describe()}});
         }},
        {HTTPRequest::HTTP_POST,
         {"v1", "sources", "*", "pause"},
         "transfers:admin",
         [](const HttpApiContext& context, Call& call) { pauseSource(context, call, true); }},
        {HTTPRequest::HTTP_POST,
         {"v1", "sources", "*", "resume"},
         "transfers:admin",
         [](const HttpApiContext& context, Call& call) { pauseSource(context, call, false); }},
        {HTTPRequest::HTTP_GET, {"v1", "feeds", "*"}, "feed", readFeed, true},
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
    const Route* route = nullptr;
    for (const auto& candidate : routes()) {
        if (candidate.matches(request.getMethod(), segments)) {
            route = &candidate;
            break;
        }
    }
    Store* auditLog = route && route->personal ? &context_.store : nullptr;

    // Who is asking comes first: without a valid token, every path under /v1 looks the same.
    std::optional<TokenGrant> grant;
    if (underV1) {
        grant = context_.access.authenticate(request.get("Authorization", ""));
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
    if (!route) {
        return new FunctionHandler(
            [](Call& call) {
                sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no such resource");
            },
            grant, segments, query, nullptr);
    }
    if (!route->scope.empty() && !route->permits(*grant, segments, context_.feeds)) {
        return new FunctionHandler(
            [](Call& call) {
                sendError(call.response, HTTPResponse::HTTP_FORBIDDEN,
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
