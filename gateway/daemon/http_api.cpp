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

using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;
using Poco::Net::HTTPServerResponse;

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

/// Answers one request with a function of the request and response.
class FunctionHandler : public Poco::Net::HTTPRequestHandler {
  public:
    using Body = std::function<void(HTTPServerRequest&, HTTPServerResponse&)>;
    explicit FunctionHandler(Body body) : body_(std::move(body)) {}

    void handleRequest(HTTPServerRequest& request, HTTPServerResponse& response) override {
        try {
            body_(request, response);
        } catch (const std::exception& e) {
            Poco::Logger::get("gateway.http").error(request.getURI() + ": " + e.what());
            if (!response.sent()) {
                sendError(response, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
                          "the request failed; see the log");
            }
        }
    }

  private:
    Body body_;
};

}  // namespace

HttpApi::HttpApi(Store& store, const std::atomic<bool>& ready) : store_(store), ready_(ready) {}

Poco::Net::HTTPRequestHandler* HttpApi::createRequestHandler(const HTTPServerRequest& request) {
    Poco::URI uri(request.getURI());
    const std::string& path = uri.getPath();
    std::vector<std::string> segments;
    uri.getPathSegments(segments);
    const bool isGet = request.getMethod() == Poco::Net::HTTPRequest::HTTP_GET;

    if (isGet && path == "/healthz") {
        return new FunctionHandler([](auto&, auto& response) {
            sendJson(response, HTTPResponse::HTTP_OK, {{"status", "ok"}});
        });
    }
    if (isGet && path == "/readyz") {
        return new FunctionHandler([this](auto&, auto& response) {
            if (ready_) {
                sendJson(response, HTTPResponse::HTTP_OK, {{"status", "ready"}});
            } else {
                sendError(response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "starting");
            }
        });
    }
    if (isGet && segments.size() == 2 && segments[0] == "v1" && segments[1] == "transfers") {
        return new FunctionHandler([this](auto&, auto& response) {
            nlohmann::json list = nlohmann::json::array();
            for (const auto& transfer : store_.listTransfers(100))
                list.push_back(transfer.toJson());
            sendJson(response, HTTPResponse::HTTP_OK, {{"transfers", list}});
        });
    }
    if (isGet && segments.size() == 3 && segments[0] == "v1" && segments[1] == "transfers") {
        std::string id = segments[2];
        return new FunctionHandler([this, id](auto&, auto& response) {
            Poco::Int64 number = 0;
            std::optional<TransferInfo> transfer;
            if (Poco::NumberParser::tryParse64(id, number)) transfer = store_.findTransfer(number);
            if (transfer) {
                sendJson(response, HTTPResponse::HTTP_OK, transfer->toJson());
            } else {
                sendError(response, HTTPResponse::HTTP_NOT_FOUND, "no transfer with that id");
            }
        });
    }
    return new FunctionHandler([](auto&, auto& response) {
        sendError(response, HTTPResponse::HTTP_NOT_FOUND, "no such resource");
    });
}

}  // namespace gw
