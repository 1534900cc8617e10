#pragma once

#include "gateway/ctl/mapping_command.h"

namespace gw {

/// `gatewayctl check`: the dry run IT staff read before scheduling a cut-over. Maps an export,
/// stores nothing, and reports what would pass, rejects by rule and field, unmapped codes, source
/// fields never used and regional fields never filled.
class CheckCommand : public MappingCommand {
  public:
    std::string name() const override { return "check"; }
    std::string usage() const override {
        return "check --mapping FILE [--json] [--schemas DIR] [--link-temporary-codes] INPUT|-";
    }
    std::string summary() const override {
        return "Dry-runs the mapping over INPUT and stores nothing: records that would pass; "
               "rejects by rule "
               "and field with example positions; unmapped code values per code table, most "
               "frequent first; "
               "source fields never used; regional fields never filled. Human-readable, or JSON "
               "with --json. "
               "Exit 0 when nothing would be rejected, 1 when something would, 2 on a usage or "
               "configuration "
               "error.";
    }
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int run(const std::vector<std::string>& arguments) override;

  private:
    bool json_ = false;
};

}  // namespace gw
