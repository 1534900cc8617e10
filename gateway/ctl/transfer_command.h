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
    int waitFor(std::int64_t id) const;

    bool wait_ = false;
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
