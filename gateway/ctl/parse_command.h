#pragma once

#include <nlohmann/json.hpp>

#include "gateway/ctl/command.h"

namespace gw {

/// `gatewayctl parse`: shows IT staff exactly how the gateway reads their export: one JSON object
/// per record, with its position and its fields as decoded; read errors on stderr.
class ParseCommand : public Command {
  public:
    std::string name() const override { return "parse"; }
    std::string usage() const override {
        return "parse --format csv|xml|json [--delimiter C] [--quote C] [--encoding E] [--records "
               "PATH] "
               "[--namespace P=URI]... [--field NAME=XPATH]... [--nested] [--lines] "
               "[--max-record-bytes N] "
               "[--max-depth N] "
               "INPUT|-";
    }
    std::string summary() const override {
        return "Reads INPUT as the gateway's adapter for the format does and prints one line per "
               "record: "
               "{\"position\": {...}, \"fields\": {...}}. CSV: --delimiter (default ;), --quote "
               "(default \"), "
               "--encoding utf-8|iso-8859-1|windows-1252. XML: --records /path/to/record (with "
               "--namespace "
               "p=URI for prefixes), --field NAME=XPATH relative to the record (default: child "
               "elements and "
               "attributes), --encoding to override the declared one. JSON: --records "
               "/json/pointer (default: "
               "the top-level array) or --lines for NDJSON. Errors go to stderr with their "
               "positions. Exit 0 "
               "when every record was read, 1 when some were malformed, 2 on a usage error.";
    }
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int run(const std::vector<std::string>& arguments) override;

  private:
    std::string format_;
    nlohmann::json options_ = nlohmann::json::object();
};

}  // namespace gw
