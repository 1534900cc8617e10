#pragma once

#include <optional>
#include <string>
#include <vector>

#include "gateway/model/fault.h"
#include "gateway/model/regional_record.h"

namespace gw {

/// A check on regional records that JSON Schema cannot express. Its id is the `rule` of every
/// rejection it causes.
struct Rule {
    std::string id;
    std::string entity;  ///< the entity it applies to, or "*" for every entity
    std::string description;
    /// Returns a fault when `record` breaks the rule. `group` holds every regional record made
    /// from the same source record (a row with an episode and its placement), `record` included.
    std::optional<Fault> (*check)(const RecordBody& record,
                                  const std::vector<RegionalRecord>& group);
};

/// The regional rule set, in the order rules are applied. Documented in docs/data-model.md.
const std::vector<Rule>& regionalRules();

}  // namespace gw
