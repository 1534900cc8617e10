#pragma once

#include <Poco/Util/AbstractConfiguration.h>

#include <string>
#include <vector>

namespace gw {

/// One configured source: a named feed of one municipality's export into one mapping.
struct SourceSettings {
    std::string name;
    std::string kind;  ///< "file": one export file at `path`
    std::string mapping;
    std::string path;
};

/// Everything gatewayd reads from its configuration file, with relative paths resolved against
/// the folder of that file.
struct GatewaySettings {
    std::string storeBackend;
    std::string storeConnection;
    std::string httpAddress;
    unsigned short httpPort = 0;
    std::string logFile;
    std::string logLevel;
    std::string schemaDirectory;
    std::string mappingSchema;
    bool linkTemporaryIdentityCodes = false;
    std::vector<SourceSettings> sources;

    /// Reads the settings; throws ConfigError naming a missing or bad key.
    static GatewaySettings read(const Poco::Util::AbstractConfiguration& config,
                                const std::string& configDirectory);
};

/// Where the bundled schemas/ folder lives when configuration does not say.
std::string defaultDataDirectory();

}  // namespace gw
