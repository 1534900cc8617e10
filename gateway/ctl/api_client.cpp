#include "gateway/ctl/api_client.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>
#include <Poco/Util/Option.h>

#include <cstdlib>
#include <fstream>

#include "gateway/core/errors.h"

namespace gw {

void ApiClient::defineOptions(Poco::Util::OptionSet& options) {
    using Poco::Util::Option;
    options.addOption(
        Option("url", "u", "gatewayd's address (default: $GATEWAY_URL, else http://127.0.0.1:8780)")
            .argument("URL")
            .repeatable(false));
    options.addOption(
        Option("token-file", "t", "a file holding the bearer token (default: $GATEWAY_TOKEN)")
            .argument("FILE")
            .repeatable(false));
}

void ApiClient::handleOption(const std::string& name, const std::string& value) {
    if (name == "url") url_ = value;
    if (name == "token-file") tokenFile_ = value;
}

std::string ApiClient::token() const {
    if (!tokenFile_.empty()) {
        std::ifstream file(tokenFile_);
        std::string token;
        if (!std::getline(file, token) || token.empty())
            throw ConfigError("no token in " + tokenFile_);
        return token;
    }
    if (const char* token = std::getenv("GATEWAY_TOKEN")) return token;
    throw ConfigError("give a token: --token-file FILE, or GATEWAY_TOKEN in the environment");
}

ApiClient::Reply ApiClient::get(const std::string& path) const {
    return request("GET", path, "");
}

ApiClient::Reply ApiClient::post(const std::string& path, const nlohmann::json& body) const {
    return request("POST", path, body.dump());
}

ApiClient::Reply ApiClient::request(const std::string& method, const std::string& path,
                                    const std::string& body) const {
    std::string base = url_;
    if (base.empty()) {
        const char* fromEnvironment = std::getenv("GATEWAY_URL");
        base = fromEnvironment ? fromEnvironment : "http://127.0.0.1:8780";
    }
    Poco::URI uri(base);
    try {
        Poco::Net::HTTPClientSession session(uri.getHost(), uri.getPort());
        session.setTimeout(Poco::Timespan(30, 0));
        Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
        request.set("Authorization", "Bearer " + token());
        if (!body.empty()) {
            request.setContentType("application/json");
            request.setContentLength(static_cast<std::streamsize>(body.size()));
        }
        session.sendRequest(request) << body;
        Poco::Net::HTTPResponse response;
        std::string text;
        Poco::StreamCopier::copyToString(session.receiveResponse(response), text);
        Reply reply;
        reply.status = static_cast<int>(response.getStatus());
        reply.body = nlohmann::json::parse(text, nullptr, false);
        reply.text = std::move(text);
        return reply;
    } catch (const Poco::Exception& e) {
        throw ConfigError("cannot reach gatewayd at " + base + ": " + e.displayText());
    }
}

std::string ApiClient::describe(const Reply& reply) {
    if (reply.body.is_object() && reply.body.contains("detail"))
        return reply.body["detail"].get<std::string>() + " (HTTP " + std::to_string(reply.status) +
               ")";
    return "HTTP " + std::to_string(reply.status);
}

}  // namespace gw
