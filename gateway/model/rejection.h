#pragma once

// Rejection: why a source record was quarantined, from the adapter to the API.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "gateway/model/fault.h"
#include "gateway/model/source_record.h"

namespace gw {

/// The pipeline stage at which a record was turned away.
enum class Stage { Read, Map, Validate, Store };

const char* stageName(Stage stage);
/// The stage of that name; throws std::invalid_argument for a name stageName never gives.
Stage stageNamed(const std::string& name);

/// Why one source record was quarantined instead of stored. The message never holds personal
/// data in clear: identity codes are masked and personal fields are named, not quoted.
struct Rejection {
    Stage stage = Stage::Read;
    std::string rule;   ///< rule id, e.g. "map.date" or "identity-code.control"
    std::string field;  ///< the source or regional field at fault, empty when the whole record is
    std::string message;
    SourcePosition position;

    static Rejection from(Stage stage, Fault fault, SourcePosition position);

    /// Position, stage, rule, field and message: what every quarantine listing shows.
    nlohmann::json toJson() const;
};

/// A rejection as the quarantine keeps it, with the row id that pages through a transfer's
/// rejects.
struct QuarantinedRecord {
    std::int64_t id = 0;
    Rejection rejection;

    /// The transfers API's flat form: id, input, line (when known), record, stage, rule, field
    /// and message.
    nlohmann::json toJson() const;
};

}  // namespace gw
