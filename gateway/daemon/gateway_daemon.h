#pragma once

#include <Poco/Net/ServerSocket.h>
#include <Poco/Util/ServerApplication.h>

#include <optional>

#include "gateway/daemon/secrets_file.h"
#include "gateway/pipeline/regional_keys.h"
#include "gateway/settings/gateway_settings.h"
#include "gateway/store/store.h"

namespace gw {

/// gatewayd: loads the configuration, opens the store, runs the configured sources and serves
/// the HTTP API until SIGTERM or SIGINT; with --run-once, runs every source once and exits.
class GatewayDaemon : public Poco::Util::ServerApplication {
  public:
    /// In a daemon started with --daemon, once it is up: the launching command returns 0, and
    /// the daemon's output goes to /dev/null from now on (its log file has it all).
    static void detachFromLauncher();

  protected:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    void initialize(Poco::Util::Application& self) override;
    int main(const std::vector<std::string>& args) override;

  private:
    void setUpLogging();
    /// The API's HTTPS socket, when a certificate and key are configured.
    Poco::Net::ServerSocket listenSecurely();
    /// The configured store, with this instance's transfers cut off by a crash marked; reads
    /// the secrets file (making it at first start) and its keys first.
    std::unique_ptr<Store> openRecoveredStore();
    /// Brings the store to the regional key (RegionalKeyMigration) before any transfer runs.
    void adoptRegionalKey(Store& store, const class TransferRunner& runner);
    int runOnce();
    int serve();

    bool helpRequested_ = false;
    bool runOnce_ = false;
    std::string configFile_;
    std::optional<GatewaySettings> settings_;
    std::optional<SecretsFile> secrets_;
    std::optional<RegionalKeys> keys_;
};

}  // namespace gw
