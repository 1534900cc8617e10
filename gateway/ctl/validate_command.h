#pragma once

#include "gateway/ctl/command.h"

namespace gw {

/// `gatewayctl validate`: checks a whole gatewayd configuration before anything runs, as gatewayd
/// does at start, and lists every problem with its key.
class ValidateCommand : public Command {
  public:
    std::string name() const override { return "validate"; }
    std::string usage() const override { return "validate --config FILE [--json]"; }
    std::string summary() const override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int run(const std::vector<std::string>& arguments) override;

  private:
    std::string configFile_;
    bool json_ = false;
};

}  // namespace gw
