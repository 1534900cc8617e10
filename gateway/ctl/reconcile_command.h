#pragma once

#include "gateway/ctl/configured_command.h"

namespace gw {

/// `gatewayctl reconcile`: whether what the store holds adds up to what was read, per transfer or
/// per municipality, with the digest the county can check its feeds against.
class ReconcileCommand : public ConfiguredCommand {
  public:
    std::string name() const override { return "reconcile"; }
    std::string usage() const override {
        return "reconcile --config FILE [--transfer ID | --municipality CODE] [--json]";
    }
    std::string summary() const override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int run(const std::vector<std::string>& arguments) override;

  private:
    std::string transfer_;
    std::string municipality_;
    bool json_ = false;
};

}  // namespace gw
