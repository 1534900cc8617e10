#pragma once

#include "gateway/ctl/configured_command.h"

namespace gw {

/// `gatewayctl token add NAME`: makes a bearer token, keeps only its hash in the secrets file,
/// and prints the token once.
class TokenCommand : public ConfiguredCommand {
  public:
    std::string name() const override { return "token"; }
    std::string usage() const override {
        return "token add NAME --scopes SCOPE[,SCOPE...] --config FILE";
    }
    std::string summary() const override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int run(const std::vector<std::string>& arguments) override;

  private:
    std::string scopes_;
};

}  // namespace gw
