#pragma once

#include <Poco/Util/OptionSet.h>

#include <string>
#include <vector>

namespace gw {

/// One verb of gatewayctl (map, ...): its options, its arguments and what it does.
class Command {
  public:
    /// gatewayctl's exit codes, the same for every verb.
    enum ExitCode { kOk = 0, kRejected = 1, kUsage = 2 };

    virtual ~Command() = default;
    virtual std::string name() const = 0;
    virtual std::string usage() const = 0;
    virtual std::string summary() const = 0;
    virtual void defineOptions(Poco::Util::OptionSet& options) = 0;
    virtual void handleOption(const std::string& name, const std::string& value) = 0;
    /// Runs the verb; throws ConfigError for a usage or configuration error.
    virtual int run(const std::vector<std::string>& arguments) = 0;
};

}  // namespace gw
