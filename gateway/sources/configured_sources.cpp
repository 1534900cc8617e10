#include "gateway/sources/configured_sources.h"

#include <map>

#include "gateway/core/errors.h"

namespace gw {

ConfiguredSources::ConfiguredSources(const GatewaySettings& settings,
                                     const SourceRegistry& registry, const MappingCheck& check) {
    std::vector<const Source*> made;
    for (const auto& source : settings.sources) {
        sources_.push_back(load(source, settings, registry, check));
        made.push_back(sources_.back().get());
    }
    auto clashes = conflicts(made);
    if (!clashes.empty()) throw clashes.front();
}

std::unique_ptr<Source> ConfiguredSources::load(const SourceSettings& source,
                                                const GatewaySettings& settings,
                                                const SourceRegistry& registry,
                                                const MappingCheck& check) {
    Mapping mapping = [&] {
        try {
            Mapping loaded = Mapping::load(source.mapping, settings.mappingSchema);
            check(loaded);
            return loaded;
        } catch (const ConfigError& e) {
            throw ConfigError("source." + source.name + ".mapping", e.what());
        }
    }();
    return registry.create(source, std::move(mapping), settings.pushSpoolDirectory);
}

std::vector<ConfigError> ConfiguredSources::conflicts(const std::vector<const Source*>& sources) {
    std::vector<ConfigError> clashes;
    std::map<std::string, std::string> claimedBy;
    for (const Source* source : sources) {
        auto claim = source->exclusiveClaim();
        if (!claim) continue;
        auto [first, fresh] = claimedBy.emplace(*claim, source->name());
        if (!fresh) {
            clashes.emplace_back(
                "source." + source->name(),
                "it takes " + *claim + ", which source " + first->second + " takes already");
        }
    }
    return clashes;
}

Source* ConfiguredSources::find(const std::string& name) const {
    for (const auto& source : sources_) {
        if (source->name() == name) return source.get();
    }
    return nullptr;
}

}  // namespace gw
