#include "gateway/ctl/configured_command.h"

#include <Poco/Util/Option.h>

namespace gw {

void ConfiguredCommand::defineOptions(Poco::Util::OptionSet& options) {
    options.addOption(Poco::Util::Option("config", "c", "the gatewayd configuration file")
                          .argument("FILE")
                          .required(true)
                          .repeatable(false));
}

void ConfiguredCommand::handleOption(const std::string& name, const std::string& value) {
    if (name == "config") configFile_ = value;
}

}  // namespace gw
