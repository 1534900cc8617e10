#include "gateway/daemon/configuration_check.h"

#include <optional>

#include "gateway/core/errors.h"
#include "gateway/core/private_files.h"
#include "gateway/pipeline/pipeline.h"
#include "gateway/pipeline/regional_keys.h"
#include "gateway/sources/configured_sources.h"
#include "gateway/transfers/scheduler.h"

namespace gw {
namespace {

ConfigProblem problemOf(const ConfigError& error) {
    std::string message = error.what();
    // what() repeats the key in front of the message.
    if (!error.key().empty()) message = message.substr(error.key().size() + 2);
    return {error.key(), message, false};
}

}  // namespace

std::vector<ConfigProblem> checkConfiguration(const Poco::Util::AbstractConfiguration& config,
                                              const std::string& configDirectory,
                                              const SourceRegistry& registry) {
    std::vector<ConfigProblem> problems;
    std::optional<GatewaySettings> settings;
    try {
        settings = GatewaySettings::read(config, configDirectory);
    } catch (const ConfigError& e) {
        problems.push_back(problemOf(e));
        return problems;  // nothing further can be read without the settings
    }

    std::optional<RecordValidator> validator;
    try {
        validator.emplace(settings->schemaDirectory);
    } catch (const ConfigError& e) {
        problems.push_back({"schemas.directory", e.what(), false});
    }
    // The mapping check makes no id: a key of its own will do.
    RegionalKeys keys = RegionalKeys::throwaway();
    ClientIdentity clients(settings->linkTemporaryIdentityCodes, keys);
    auto checkMapping = [&](const Mapping& mapping) {
        if (validator) Pipeline check(mapping, *validator, clients);
    };

    std::vector<std::unique_ptr<Source>> sources;
    for (const auto& source : settings->sources) {
        try {
            sources.push_back(ConfiguredSources::load(source, *settings, registry, checkMapping));
        } catch (const ConfigError& e) {
            problems.push_back(problemOf(e));
        }
        for (const auto& key : registry.unknownKeys(source))
            problems.push_back({key, "no source of kind '" + source.kind + "' reads it", true});
        try {
            Schedule::ofSource(source);
        } catch (const ConfigError& e) {
            problems.push_back(problemOf(e));
        }
        try {
            if (!source.expectEvery.empty()) Schedule::expectedEvery(source);
        } catch (const ConfigError& e) {
            problems.push_back(problemOf(e));
        }
    }
    std::vector<const Source*> made;
    for (const auto& source : sources) made.push_back(source.get());
    for (const auto& clash : ConfiguredSources::conflicts(made))
        problems.push_back(problemOf(clash));

    // The secrets file is made at first start; one that exists must be its owner's alone.
    try {
        refuseIfOpenToOthers(settings->secretsFile, "the secrets file");
    } catch (const ConfigError& e) {
        problems.push_back({"secrets.file", e.what(), false});
    }
    return problems;
}

}  // namespace gw
