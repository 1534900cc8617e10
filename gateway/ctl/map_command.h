#pragma once

#include "gateway/ctl/mapping_command.h"

namespace gw {

/// `gatewayctl map`: runs one mapping over one export offline and prints the regional records
/// as NDJSON, so that IT staff can try a mapping before any data is stored.
class MapCommand : public MappingCommand {
  public:
    std::string name() const override { return "map"; }
    std::string usage() const override {
        return "map --mapping FILE [--rejects FILE] [--schemas DIR] [--link-temporary-codes] "
               "INPUT|-";
    }
    std::string summary() const override {
        return "Maps INPUT with the mapping file: regional records as NDJSON on stdout, rejects as "
               "NDJSON to the rejects file, a summary on stderr. Exit 0 when nothing was rejected, "
               "1 when something was, 2 on a usage or configuration error.";
    }
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int run(const std::vector<std::string>& arguments) override;

  private:
    std::string rejectsFile_;
};

}  // namespace gw
