#pragma once

// Transform: one step of a mapping field's way to its regional form.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gateway/mapping/code_table.h"
#include "gateway/model/fault.h"
#include "gateway/model/record_body.h"

namespace gw {

/// What mapping one record noted besides its result: warnings that keep the record, and every
/// local code a code table did not have (whatever the table's policy), for the dry-run report.
struct MappingNotes {
    std::vector<std::string> warnings;
    std::vector<std::pair<std::string, std::string>> unmappedCodes;  ///< (code table, local code)
};

/// One step that turns a field's value towards its regional form (trim, date, lookup, ...).
class Transform {
  public:
    virtual ~Transform() = default;
    /// Rewrites `value` in place, noting in `notes` what keeps the record but is worth telling.
    /// A failure is a map.* rule with what was expected, never the value itself; the mapping
    /// names the field.
    virtual std::optional<Fault> apply(Scalar& value, MappingNotes& notes) const = 0;
    /// Whether the result is still text that a further transform can work on. Every transform
    /// is given text: one whose result is not text ends the list.
    virtual bool producesText() const { return true; }
};

/// Builds a transform from its mapping-file form: "trim", "upper", "lower", "integer", "decimal",
/// "identity-code", {"date": FORMAT}, {"split": {"separator": S, "index": N}},
/// {"lookup": TABLE}, {"boolean": {"true": [...], "false": [...]}}. Throws ConfigError.
std::unique_ptr<Transform> makeTransform(const nlohmann::json& spec,
                                         const std::map<std::string, CodeTable>& codeTables);

}  // namespace gw
