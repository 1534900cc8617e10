#pragma once

#include "gateway/ctl/configured_command.h"

namespace gw {

/// `gatewayctl report NAME`: answers one of the county's questions from the stored records.
class ReportCommand : public ConfiguredCommand {
  public:
    std::string name() const override { return "report"; }
    std::string usage() const override {
        return "report placements|services --config FILE [--as-of yyyy-mm-dd] [--json]";
    }
    std::string summary() const override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int run(const std::vector<std::string>& arguments) override;

  private:
    std::string asOf_;
    bool json_ = false;
};

}  // namespace gw
