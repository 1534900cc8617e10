#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "gateway/core/errors.h"
#include "gateway/sources/source_registry.h"

namespace gw {

/// Every configured source, each made by its kind with its mapping loaded and checked: what the
/// runner, the schedule and the HTTP resources look sources up in.
class ConfiguredSources {
  public:
    /// Throws ConfigError for a mapping the pipeline cannot run.
    using MappingCheck = std::function<void(const Mapping& mapping)>;

    /// Throws ConfigError naming the key at fault, at the first problem.
    ConfiguredSources(const GatewaySettings& settings, const SourceRegistry& registry,
                      const MappingCheck& check);

    /// Makes one source: its mapping loaded and checked, its kind's keys read. Throws
    /// ConfigError naming the key at fault.
    static std::unique_ptr<Source> load(const SourceSettings& source,
                                        const GatewaySettings& settings,
                                        const SourceRegistry& registry, const MappingCheck& check);
    /// An error for each source that claims what an earlier one claims (one drop folder, one
    /// municipality's pushed dataset).
    static std::vector<ConfigError> conflicts(const std::vector<const Source*>& sources);

    const std::vector<std::unique_ptr<Source>>& all() const { return sources_; }
    /// Empty when no source has that name.
    Source* find(const std::string& name) const;

  private:
    std::vector<std::unique_ptr<Source>> sources_;
};

}  // namespace gw
