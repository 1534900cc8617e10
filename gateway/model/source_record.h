#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "gateway/model/fault.h"

namespace gw {

/// Where a record came from inside one input: the input's name, the line it starts on and its
/// ordinal among the input's records (both 1-based; 0 when the format has no such notion).
struct SourcePosition {
    std::string input;
    std::uint64_t line = 0;
    std::uint64_t record = 0;

    nlohmann::json toJson() const;
};

/// One record as an adapter read it: named field texts in source order, exactly as decoded.
struct SourceRecord {
    SourcePosition position;
    std::vector<std::pair<std::string, std::string>> fields;
    /// Set when the record could not be read as a whole: a read.* rule (docs/architecture.md).
    std::optional<Fault> error;

    /// The text of the named field, or nullptr when the record has no such field.
    const std::string* field(const std::string& name) const;
    nlohmann::json fieldsJson() const;
};

}  // namespace gw
