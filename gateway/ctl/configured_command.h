#pragma once

#include <string>

#include "gateway/ctl/command.h"
#include "gateway/settings/gateway_settings.h"

namespace gw {

/// What the verbs that work on an installed gateway share: the required --config FILE option
/// that names gatewayd's configuration, and the settings read from it.
class ConfiguredCommand : public Command {
  public:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;

  protected:
    const std::string& configFile() const { return configFile_; }
    /// The settings of --config FILE; throws ConfigError.
    GatewaySettings loadSettings() const { return GatewaySettings::load(configFile_); }

  private:
    std::string configFile_;
};

}  // namespace gw
