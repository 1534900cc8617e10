#pragma once

// checkConfiguration: the whole configuration checked before anything runs.

#include <Poco/Util/AbstractConfiguration.h>

#include <string>
#include <vector>

#include "gateway/sources/source_registry.h"

namespace gw {

/// One problem in a configuration: the key at fault (empty when none alone is) and what is
/// wrong. A warning does not stop the gateway; an error does.
struct ConfigProblem {
    std::string key;
    std::string message;
    bool warning = false;
};

/// Checks a whole gatewayd configuration before anything runs, in the manner of Vector's
/// `validate`: the settings, every source's kind, keys, mapping and schedule, sources that claim
/// the same drop folder or pushed dataset, and the secrets file's permissions. Every problem is
/// reported, not only the first; nothing is written or opened for writing.
std::vector<ConfigProblem> checkConfiguration(const Poco::Util::AbstractConfiguration& config,
                                              const std::string& configDirectory,
                                              const SourceRegistry& registry = builtinSources());

}  // namespace gw
