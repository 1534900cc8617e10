#include "gateway/ctl/token_command.h"

#include <Poco/RegularExpression.h>
#include <Poco/Util/Option.h>

#include <iostream>

#include "gateway/core/errors.h"
#include "gateway/daemon/secrets_file.h"

namespace gw {

std::string TokenCommand::summary() const {
    return "Adds a bearer token NAME with the given scopes (push:<municipality code>, "
           "transfers:admin, feed:read, feed:pseudonymised, audit:read, reports:read) to the "
           "secrets file that "
           "the gatewayd configuration FILE names (secrets.file), creating the file, readable by "
           "its owner only, with new keys when it does not exist. The file keeps the token's "
           "SHA-256, never the token: it is printed on stdout this once. gatewayd reads tokens "
           "when it starts.";
}

void TokenCommand::defineOptions(Poco::Util::OptionSet& options) {
    ConfiguredCommand::defineOptions(options);
    using Poco::Util::Option;
    options.addOption(Option("scopes", "s", "what the token may do, separated by commas")
                          .argument("SCOPES")
                          .required(true)
                          .repeatable(false));
}

void TokenCommand::handleOption(const std::string& name, const std::string& value) {
    ConfiguredCommand::handleOption(name, value);
    if (name == "scopes") scopes_ = value;
}

int TokenCommand::run(const std::vector<std::string>& arguments) {
    if (arguments.size() != 2 || arguments[0] != "add")
        throw ConfigError("usage: token add NAME --scopes SCOPES --config FILE");
    const std::string& name = arguments[1];
    if (!Poco::RegularExpression("^[A-Za-z0-9_-]{1,64}$").match(name))
        throw ConfigError("a token name is 1 to 64 letters, digits, '-' or '_'");
    GatewaySettings settings = loadSettings();
    std::string token = SecretsFile::open(settings.secretsFile).addToken(name, scopes_);
    std::cout << token << std::endl;
    return kOk;
}

}  // namespace gw
