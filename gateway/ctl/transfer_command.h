#pragma once

#include "gateway/ctl/api_client.h"

namespace gw {

/// `gatewayctl transfer run|list|show`: the transfers of a running gatewayd.
class TransferCommand : public ApiCommand {
  public:
    std::string name() const override { return "transfer"; }
    std::string usage() const override {
        return "transfer run SOURCE [--wait] | list | show ID   [--url URL] [--token-file FILE]";
    }
    std::string summary() const override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int run(const std::vector<std::string>& arguments) override;

  private:
    bool wait_ = false;
};

/// `gatewayctl cutover status|freeze|unfreeze|certificate`: a municipality's cut-over on a running
/// gatewayd, and its signed certificate downloaded with what checks it.
class CutoverCommand : public ApiCommand {
  public:
    std::string name() const override { return "cutover"; }
    std::string usage() const override {
        return "cutover status CODE | freeze CODE | unfreeze CODE | certificate CODE DIR   [--url "
               "URL] [--token-file FILE]";
    }
    std::string summary() const override;
    int run(const std::vector<std::string>& arguments) override;
};

/// `gatewayctl reprocess`: re-runs a finished transfer's input (or every input a source still
/// keeps) through the current mapping on a running gatewayd, waits for the end and prints the
/// change report; with --dry-run, prints what it would change and stores nothing.
class ReprocessCommand : public ApiCommand {
  public:
    std::string name() const override { return "reprocess"; }
    std::string usage() const override {
        return "reprocess --transfer ID | --source NAME [--dry-run] [--json]   [--url URL] "
               "[--token-file FILE]";
    }
    std::string summary() const override;
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;
    int run(const std::vector<std::string>& arguments) override;

  private:
    /// Prints a change report, or its JSON with --json.
    void print(const nlohmann::json& report) const;
    /// Waits for re-run `id` and prints its change report; false when it did not succeed.
    bool waitAndReport(std::int64_t id) const;

    std::string transfer_, source_;
    bool dryRun_ = false, json_ = false;
};

/// `gatewayctl source list|pause|resume`: the sources of a running gatewayd.
class SourceCommand : public ApiCommand {
  public:
    std::string name() const override { return "source"; }
    std::string usage() const override {
        return "source list | pause NAME | resume NAME   [--url URL] [--token-file FILE]";
    }
    std::string summary() const override;
    int run(const std::vector<std::string>& arguments) override;
};

}  // namespace gw
