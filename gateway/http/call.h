#pragma once

// Call: one HTTP request being answered, and what every resource shares to answer it.

#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <atomic>
#include <cstdint>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/feeds/feed_service.h"
#include "gateway/feeds/fhir/fhir_service.h"
#include "gateway/http/access_control.h"
#include "gateway/http/console_sessions.h"
#include "gateway/store/store.h"
#include "gateway/transfers/cutover.h"
#include "gateway/transfers/scheduler.h"
#include "gateway/transfers/transfer_workers.h"

namespace gw {

/// What the HTTP resources work with: the daemon's parts, made at start.
struct HttpApiContext {
    const GatewaySettings& settings;
    Store& store;
    TransferWorkers& transfers;
    Scheduler& scheduler;
    const AccessControl& access;
    FeedService& feeds;
    FhirService& fhir;
    Cutover& cutover;
    ConsoleSessions& sessions;
    const std::atomic<bool>& ready;  ///< true once configuration and store are loaded
};

/// One request being answered: who sent it (when the route needs a token) and what it asks.
struct Call {
    Poco::Net::HTTPServerRequest& request;
    Poco::Net::HTTPServerResponse& response;
    const TokenGrant* grant;
    const std::vector<std::string>& segments;
    const Poco::URI::QueryParameters& query;
    Store* auditLog = nullptr;  ///< set on routes that read personal data
    bool audited = false;       ///< set once the attempt is in the audit log
};

/// A request that asks for something malformed: answered 400 with the message.
struct BadRequest : std::runtime_error {
    using std::runtime_error::runtime_error;
};

/// The most records one page of any list or feed holds.
constexpr std::size_t kMaxPage = 10000;

/// Sends `body` as the whole answer, as application/json unless `contentType` says otherwise
/// (application/fhir+json).
void sendJson(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
              const nlohmann::json& body, const std::string& contentType = "application/json");
void sendError(Poco::Net::HTTPServerResponse& response, Poco::Net::HTTPResponse::HTTPStatus status,
               const std::string& detail);
/// An error answered in the form of the API asked: a FHIR OperationOutcome under /fhir/, else as
/// sendError() above.
void sendError(Call& call, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& detail);
/// A query parameter that is a whole number from 0 to `max`; throws BadRequest otherwise.
std::int64_t numberParameter(const Poco::URI::QueryParameters& query, const std::string& name,
                             std::int64_t fallback, std::int64_t max);
/// A yes-or-no query parameter: `true` or `false`, false when it is not there; throws BadRequest
/// otherwise.
bool flagParameter(const Poco::URI::QueryParameters& query, const std::string& name);
/// A query parameter's text; empty when it is not there.
std::string textParameter(const Poco::URI::QueryParameters& query, const std::string& name);

/// What an attempt read: the entity and view of a feed (or the kind of resource), the cursor
/// range and the number of records.
FeedRead whatWasRead(std::string entity, std::string view, std::int64_t after = 0,
                     std::int64_t last = 0, std::int64_t records = 0);
/// Who makes an attempt to read personal data, from where, at which resource, and how it is
/// answered (the status set so far): the audit log's part of it that HTTP knows.
FeedRead whoReads(const Call& call);
/// Writes an attempt to read personal data to the audit log: who, from where, what, outcome.
void audit(Store& store, Call& call, const FeedRead& what);
/// Refuses a request: on a route that reads personal data, the attempt is audited first, so that
/// the audit log has it before the client has the answer.
void refuse(Call& call, Poco::Net::HTTPResponse::HTTPStatus status, const std::string& detail);

}  // namespace gw
