#include "gateway/ctl/validate_command.h"

#include <Poco/AutoPtr.h>
#include <Poco/Path.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/PropertyFileConfiguration.h>

#include <iostream>
#include <nlohmann/json.hpp>

#include "gateway/core/errors.h"
#include "gateway/daemon/configuration_check.h"

namespace gw {

std::string ValidateCommand::summary() const {
    return "Checks the gatewayd configuration --config FILE as a whole before anything runs, as "
           "gatewayd does at start: the settings, every source's kind, keys, mapping and "
           "schedule, two sources taking one drop folder or one municipality's pushed dataset, "
           "and a secrets file open to other users. Lists every problem with its key; exits 1 "
           "when there is an error, 0 when there are only warnings or none.";
}

void ValidateCommand::defineOptions(Poco::Util::OptionSet& options) {
    options.addOption(Poco::Util::Option("config", "c", "the gatewayd configuration file")
                          .argument("FILE")
                          .required(true)
                          .repeatable(false));
    options.addOption(Poco::Util::Option("json", "j", "one JSON object per problem"));
}

void ValidateCommand::handleOption(const std::string& name, const std::string& value) {
    if (name == "config") configFile_ = value;
    if (name == "json") json_ = true;
}

int ValidateCommand::run(const std::vector<std::string>& arguments) {
    if (!arguments.empty()) throw ConfigError("validate takes no arguments");
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> config;
    try {
        config = new Poco::Util::PropertyFileConfiguration(configFile_);
    } catch (const Poco::Exception& e) {
        throw ConfigError("cannot read " + configFile_ + ": " + e.displayText());
    }
    auto problems =
        checkConfiguration(*config, Poco::Path(configFile_).makeAbsolute().parent().toString());
    int errors = 0;
    for (const auto& problem : problems) {
        errors += problem.warning ? 0 : 1;
        if (json_) {
            std::cout << nlohmann::json{{"key", problem.key},
                                        {"message", problem.message},
                                        {"severity", problem.warning ? "warning" : "error"}}
                             .dump()
                      << "\n";
        } else {
            std::cout << (problem.warning ? "warning " : "error ")
                      << (problem.key.empty() ? "" : problem.key + ": ") << problem.message << "\n";
        }
    }
    if (!json_) {
        std::cout << configFile_ << ": " << errors << " error(s), " << problems.size() - errors
                  << " warning(s)\n";
    }
    return errors == 0 ? kOk : kRejected;
}

}  // namespace gw
