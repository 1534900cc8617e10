#pragma once

#include <Poco/Util/OptionSet.h>

#include <nlohmann/json.hpp>
#include <string>

#include "gateway/ctl/command.h"

namespace gw {

/// gatewayctl's way to a running gatewayd: its URL and a bearer token, from options or the
/// environment, and JSON requests.
class ApiClient {
  public:
    struct Reply {
        int status = 0;
        nlohmann::json body;  ///< the body as JSON (discarded when it is not JSON)
        std::string text;     ///< the body exactly as sent
    };

    /// --url (default: $GATEWAY_URL, else http://127.0.0.1:8780) and --token-file (default:
    /// the token in $GATEWAY_TOKEN).
    static void defineOptions(Poco::Util::OptionSet& options);
    void handleOption(const std::string& name, const std::string& value);

    /// Throws ConfigError when no token is given or gatewayd cannot be reached.
    Reply get(const std::string& path) const;
    Reply post(const std::string& path, const nlohmann::json& body) const;
    /// The "detail" of an error reply, or its status.
    static std::string describe(const Reply& reply);

  private:
    Reply request(const std::string& method, const std::string& path,
                  const std::string& body) const;
    std::string token() const;

    std::string url_;
    std::string tokenFile_;
};

/// What the verbs that talk to a running gatewayd share: the --url and --token-file options and
/// the client they configure.
class ApiCommand : public Command {
  public:
    void defineOptions(Poco::Util::OptionSet& options) override {
        ApiClient::defineOptions(options);
    }
    void handleOption(const std::string& name, const std::string& value) override {
        api_.handleOption(name, value);
    }

  protected:
    ApiClient api_;
};

}  // namespace gw
