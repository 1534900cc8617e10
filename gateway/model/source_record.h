#pragma once

#include <atomic>
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

/// Where a field was found last: the place to look first in the next record, whose fields mostly
/// come in the same order (a CSV file's header order). Shared by the pipeline's threads, as a
/// relaxed atomic: a place another thread just moved costs a scan of the fields, nothing more.
class FieldHint {
  public:
    FieldHint() = default;
    FieldHint(const FieldHint& other) noexcept
        : place_(other.place_.load(std::memory_order_relaxed)) {}
    FieldHint& operator=(const FieldHint& other) noexcept {
        place_.store(other.place_.load(std::memory_order_relaxed), std::memory_order_relaxed);
        return *this;
    }

  private:
    friend struct SourceRecord;
    mutable std::atomic<std::uint32_t> place_{0};
};

/// One record as an adapter read it: named field texts in source order, exactly as decoded.
struct SourceRecord {
    SourcePosition position;
    std::vector<std::pair<std::string, std::string>> fields;
    /// Set when the record could not be read as a whole: a read.* rule (docs/architecture.md).
    std::optional<Fault> error;

    /// The text of the named field, or nullptr when the record has no such field.
    const std::string* field(const std::string& name) const;
    /// The same, looking first where `hint` says, and leaving there the place where it was.
    const std::string* field(const std::string& name, const FieldHint& hint) const;
    nlohmann::json fieldsJson() const;
};

}  // namespace gw
