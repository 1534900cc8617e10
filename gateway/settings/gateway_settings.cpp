#include "gateway/settings/gateway_settings.h"

#include <Poco/AutoPtr.h>
#include <Poco/Environment.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/StringTokenizer.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <unistd.h>

#include <optional>

#include "gateway/core/errors.h"

namespace gw {
namespace {

std::string required(const Poco::Util::AbstractConfiguration& config, const std::string& key) {
    if (!config.hasProperty(key)) throw ConfigError(key, "missing; it has no default");
    return config.getString(key);
}

}  // namespace

std::string resolvePath(const std::string& directory, const std::string& path) {
    Poco::Path p(path);
    if (p.isAbsolute()) return path;
    return Poco::Path(directory).makeDirectory().resolve(p).makeAbsolute().toString();
}

namespace {

/// The data folder of an installed gateway: share/gateway beside the binary's bin/ folder, if
/// it holds the schemas.
std::optional<std::string> installedDataDirectory() {
    char executable[4096];
    ssize_t length = ::readlink("/proc/self/exe", executable, sizeof executable - 1);
    if (length <= 0) return std::nullopt;
    Poco::Path data(std::string(executable, static_cast<std::size_t>(length)));
    data.makeParent().makeParent().pushDirectory("share").pushDirectory("gateway");
    if (!Poco::File(data.toString() + "schemas/v1").exists()) return std::nullopt;
    std::string folder = data.toString();
    folder.pop_back();  // the trailing '/'
    return folder;
}

}  // namespace

std::string defaultDataDirectory() {
    static const std::string folder = installedDataDirectory().value_or(GATEWAY_DATA_DIR);
    return folder;
}

std::string defaultConsoleDirectory() {
    auto installed = installedDataDirectory();
    return installed ? *installed + "/console" : std::string(GATEWAY_DATA_DIR) + "/gateway/console";
}

std::string defaultConfigFile() {
    return installedDataDirectory() ? GATEWAY_INSTALLED_CONFIG
                                    : std::string(GATEWAY_DATA_DIR) + "/config/gateway.properties";
}

GatewaySettings GatewaySettings::read(const Poco::Util::AbstractConfiguration& config,
                                      const std::string& configDirectory) {
    GatewaySettings s;
    s.storeBackend = config.getString("store.backend", "sqlite");
    // A SQLite file is a path; a PostgreSQL connection string is not.
    s.storeConnection = required(config, "store.connection");
    if (s.storeBackend == "sqlite")
        s.storeConnection = resolvePath(configDirectory, s.storeConnection);
    s.httpAddress = config.getString("http.address", "127.0.0.1");
    int port = config.getInt("http.port", 8780);
    if (port < 0 || port > 65535) throw ConfigError("http.port must be between 0 and 65535");
    s.httpPort = static_cast<unsigned short>(port);
    if (config.hasProperty("http.certificate") != config.hasProperty("http.privateKey"))
        throw ConfigError("http.certificate and http.privateKey go together");
    if (config.hasProperty("http.certificate")) {
        s.tlsCertificate = resolvePath(configDirectory, config.getString("http.certificate"));
        s.tlsPrivateKey = resolvePath(configDirectory, config.getString("http.privateKey"));
    }
    s.httpHealthPort = config.getInt("http.healthPort", -1);
    if (s.httpHealthPort < -1 || s.httpHealthPort > 65535)
        throw ConfigError("http.healthPort must be between 0 and 65535");
    s.httpReadTimeoutSeconds = config.getInt("http.readTimeoutSeconds", 10);
    s.httpRequestsPerAddress = config.getInt("http.requestsPerAddress", 8);
    s.httpMinBodyBytesPerSecond = config.getUInt64("http.minBodyBytesPerSecond", 4096);
    if (s.httpReadTimeoutSeconds < 1 || s.httpRequestsPerAddress < 1)
        throw ConfigError("http.readTimeoutSeconds and http.requestsPerAddress must be positive");
    s.logFile = config.hasProperty("logging.file")
                    ? resolvePath(configDirectory, config.getString("logging.file"))
                    : "";
    s.logLevel = config.getString("logging.level", "information");
    s.logFormat = config.getString("logging.format", "text");
    if (s.logFormat != "text" && s.logFormat != "json")
        throw ConfigError("logging.format is text or json, not '" + s.logFormat + "'");
    std::string data = defaultDataDirectory();
    s.schemaDirectory =
        resolvePath(configDirectory, config.getString("schemas.directory", data + "/schemas/v1"));
    s.mappingSchema =
        resolvePath(configDirectory,
                    config.getString("schemas.mapping", data + "/schemas/mapping.schema.json"));

    s.linkTemporaryIdentityCodes = config.getBool("identity.linkTemporaryCodes", false);
    s.instanceName = config.getString(
        "instance.name", Poco::Environment::nodeName() + ":" + std::to_string(s.httpPort));
    s.transferWorkers = config.getInt("transfers.workers", 2);
    if (s.transferWorkers < 1 || s.transferWorkers > 64)
        throw ConfigError("transfers.workers must be between 1 and 64");
    s.runSourcesAtStart = config.getBool("sources.runAtStart", true);
    s.pipelineMaxBytesInFlight = config.getUInt64("pipeline.maxBytesInFlight", 64 << 20);
    if (s.pipelineMaxBytesInFlight < (1 << 20))
        throw ConfigError("pipeline.maxBytesInFlight must be at least 1048576");
    s.secretsFile =
        resolvePath(configDirectory, config.getString("secrets.file", "var/secrets.properties"));
    s.pushSpoolDirectory =
        resolvePath(configDirectory, config.getString("push.spoolDirectory", "var/push"));
    s.pushMaxBytes = config.getUInt64("push.maxBytes", 2ULL << 30);
    s.archiveKeepDays = config.getInt("archive.keepDays", 30);
    s.storeLockedRetrySeconds = config.getInt("store.lockedRetrySeconds", 120);
    if (s.storeLockedRetrySeconds < 0)
        throw ConfigError("store.lockedRetrySeconds must not be negative");
    if (s.archiveKeepDays < 0) throw ConfigError("archive.keepDays must not be negative");
    s.pseudonymisedView = resolvePath(
        configDirectory,
        config.getString("feeds.pseudonymisedView", data + "/schemas/v1/pseudonymised-view.json"));

    s.feedPageMaxBytes = config.getUInt64("feeds.maxPageBytes", 16 << 20);
    s.fhirCanonicalBase =
        config.getString("fhir.canonicalBase", "https://sote-gateway.invalid/fhir");
    s.fhirExportDirectory =
        resolvePath(configDirectory, config.getString("fhir.exportDirectory", "var/fhir-exports"));
    s.fhirExportKeepMinutes = config.getInt("fhir.exportKeepMinutes", 60);
    if (s.fhirExportKeepMinutes < 1)
        throw ConfigError("fhir.exportKeepMinutes", "must be at least 1");
    s.fhirMaxRunningExports = config.getInt("fhir.maxRunningExports", 2);
    if (s.fhirMaxRunningExports < 1 || s.fhirMaxRunningExports > 16)
        throw ConfigError("fhir.maxRunningExports", "must be between 1 and 16");
    s.consoleDirectory = resolvePath(
        configDirectory, config.getString("console.directory", defaultConsoleDirectory()));
    s.dryRunMaxBytes = config.getUInt64("dryRun.maxBytes", 32 << 20);
    s.consoleSessionIdleMinutes = config.getInt("console.sessionIdleMinutes", 20);
    s.consoleSessionLifetimeMinutes = config.getInt("console.sessionLifetimeMinutes", 12 * 60);
    if (s.consoleSessionIdleMinutes < 1 ||
        s.consoleSessionLifetimeMinutes < s.consoleSessionIdleMinutes)
        throw ConfigError("console.sessionIdleMinutes",
                          "must be at least 1 and at most console.sessionLifetimeMinutes");

    Poco::StringTokenizer names(
        config.getString("sources", ""), ",",
        Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& name : names) {
        std::string prefix = "source." + name + ".";
        SourceSettings source;
        source.name = name;
        source.kind = config.getString(prefix + "kind", "file");
        source.mapping = resolvePath(configDirectory, required(config, prefix + "mapping"));
        source.schedule = config.getString(prefix + "schedule", "");
        source.expectEvery = config.getString(prefix + "expectEvery", "");
        source.options = config.createView("source." + name);
        source.configDirectory = configDirectory;
        s.sources.push_back(std::move(source));
    }
    return s;
}

GatewaySettings GatewaySettings::load(const std::string& configFile) {
    Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> config;
    try {
        config = new Poco::Util::PropertyFileConfiguration(configFile);
    } catch (const Poco::Exception& e) {
        throw ConfigError("cannot read " + configFile + ": " + e.displayText());
    }
    return read(*config, Poco::Path(configFile).makeAbsolute().parent().toString());
}

}  // namespace gw
