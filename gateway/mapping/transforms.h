#pragma once

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gateway/mapping/code_table.h"

namespace gw {

/// Why a transform could not turn a value into its regional form.
struct TransformFailure {
    std::string rule;    ///< map.* rule id
    std::string reason;  ///< what was expected, without the value itself
};

/// One step that turns a field's value towards its regional form (trim, date, lookup, ...).
class Transform {
  public:
    virtual ~Transform() = default;
    /// Rewrites `value` in place. `warnings` collects notes that keep the record (e.g. a code
    /// mapped to "unknown").
    virtual std::optional<TransformFailure> apply(nlohmann::json& value,
                                                  std::vector<std::string>& warnings) const = 0;
    /// Whether the result is still text that a further transform can work on.
    virtual bool producesText() const { return true; }
};

/// Builds a transform from its mapping-file form: "trim", "upper", "lower", "integer",
/// {"date": FORMAT},
/// {"lookup": TABLE}, {"boolean": {"true": [...], "false": [...]}}. Throws ConfigError.
std::unique_ptr<Transform> makeTransform(const nlohmann::json& spec,
                                         const std::map<std::string, CodeTable>& codeTables);

}  // namespace gw
