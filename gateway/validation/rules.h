#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/fault.h"

namespace gw {

/// A check on regional records that JSON Schema cannot express. Its id is the `rule` of every
/// rejection it causes.
struct Rule {
    std::string id;
    std::string entity;  ///< the entity it applies to, or "*" for every entity
    std::string description;
    /// Returns a fault when the record breaks the rule.
    std::optional<Fault> (*check)(const nlohmann::json& record);
};

/// The regional rule set, in the order rules are applied. Documented in docs/architecture.md.
const std::vector<Rule>& regionalRules();

}  // namespace gw
