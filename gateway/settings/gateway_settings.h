#pragma once

// GatewaySettings: everything gatewayd reads from its configuration file.

#include <Poco/AutoPtr.h>
#include <Poco/Util/AbstractConfiguration.h>

#include <cstdint>
#include <string>
#include <vector>

namespace gw {

/// What every configured source has, whatever its kind (source.<name>.*); the keys of its kind
/// are read by the kind (gateway/sources/), from `options`.
struct SourceSettings {
    std::string name;
    std::string kind;     ///< a kind in the source registry: file, drop, push, pull
    std::string mapping;  ///< the mapping file, resolved
    /// When to run or look for inputs, as "every 30s" (s, m, h or d), "cron M H D M W" or
    /// "at 2022-12-31T18:00:00Z" (once); empty: the kind's default (often none: only at start
    /// and on request). Checked by the scheduler.
    std::string schedule;
    /// How often a delivery is expected ("every"'s units: "1d", "12h"); when none has
    /// succeeded for that long, an error is logged and /metrics shows the source late.
    std::string expectEvery;
    /// Every key under source.<name>., for the kind to read its own.
    Poco::AutoPtr<Poco::Util::AbstractConfiguration> options;
    /// The folder of the configuration file, against which the kind resolves relative paths.
    std::string configDirectory;
};

/// Everything gatewayd reads from its configuration file, with relative paths resolved against
/// the folder of that file.
struct GatewaySettings {
    std::string storeBackend;
    std::string storeConnection;
    /// How long a write that finds the database locked is tried again before it fails.
    int storeLockedRetrySeconds = 120;
    std::string httpAddress;
    unsigned short httpPort = 0;
    /// PEM files; when both are set the API speaks HTTPS only (TLS 1.2 and newer).
    std::string tlsCertificate;
    std::string tlsPrivateKey;
    /// With HTTPS: a plain-HTTP port (on httpAddress) that answers /healthz and /readyz only;
    /// -1 for none.
    int httpHealthPort = -1;
    /// How long the API waits for a request's head, and for each part of a body.
    int httpReadTimeoutSeconds = 10;
    /// Requests of one client address handled at once; more are answered 429.
    int httpRequestsPerAddress = 8;
    /// A pushed body that comes slower than this (after httpReadTimeoutSeconds) is refused.
    std::uint64_t httpMinBodyBytesPerSecond = 4096;
    std::string logFile;
    std::string logLevel;
    /// "text" (a line of text) or "json" (one JSON object per line, for log shippers).
    std::string logFormat = "text";
    std::string schemaDirectory;
    std::string mappingSchema;
    bool linkTemporaryIdentityCodes = false;
    /// This gatewayd's name in the transfer log; instances sharing a database need their own.
    std::string instanceName;
    int transferWorkers = 2;
    /// Bytes of source records a transfer reads ahead of what it has stored.
    std::uint64_t pipelineMaxBytesInFlight = 64 << 20;
    /// Queue a transfer of every source when the daemon starts.
    bool runSourcesAtStart = true;
    /// The regional key, the pseudonym key and the tokens (SecretsFile); made at first start.
    std::string secretsFile;
    std::string pseudonymisedView;
    /// A feed page ends before its bodies add up to more than this (in characters).
    std::size_t feedPageMaxBytes = 16 << 20;
    /// The base of the FHIR view's own URLs: its code systems, extensions and naming systems.
    std::string fhirCanonicalBase;
    /// Where Bulk Data exports write their files, and for how long after an export ends.
    std::string fhirExportDirectory;
    int fhirExportKeepMinutes = 60;
    int fhirMaxRunningExports = 2;
    /// The console's web files, and how long a console session may stay idle and live at most.
    std::string consoleDirectory;
    int consoleSessionIdleMinutes = 20;
    int consoleSessionLifetimeMinutes = 12 * 60;
    /// The largest export a dry run (POST /v1/dry-run) takes.
    std::uint64_t dryRunMaxBytes = 32 << 20;
    /// Where pushed and pulled exports are kept from before they are acknowledged until their
    /// transfer ends (then in archive/ or failed/ beneath). Instances sharing a database share
    /// it.
    std::string pushSpoolDirectory;
    std::uint64_t pushMaxBytes = 0;
    /// How many days archived and failed inputs (raw exports) are kept before they are deleted.
    int archiveKeepDays = 30;
    std::vector<SourceSettings> sources;

    /// Reads the settings; throws ConfigError naming a missing or bad key.
    static GatewaySettings read(const Poco::Util::AbstractConfiguration& config,
                                const std::string& configDirectory);
    /// Reads the settings of a configuration file (what gatewayctl's --config names).
    static GatewaySettings load(const std::string& configFile);
};

/// `path` resolved against `directory` when it is relative.
std::string resolvePath(const std::string& directory, const std::string& path);

/// Where the bundled schemas/ and mappings/ folders live when configuration does not say: the
/// installed share/gateway beside the binary, or else the source tree it was built from.
std::string defaultDataDirectory();
/// Where the console's web files live when configuration does not say: share/gateway/console
/// when installed, or else gateway/console in the source tree.
std::string defaultConsoleDirectory();
/// The configuration gatewayd reads without --config: the installed one in /etc/gateway, or
/// else the source tree's config/gateway.properties.
std::string defaultConfigFile();

}  // namespace gw
