#pragma once

#include <map>
#include <optional>
#include <string>

#include "gateway/core/fault.h"
#include "gateway/mapping/mapping.h"
#include "gateway/validation/schema_validator.h"

namespace gw {

/// Decides whether a regional record may be stored: its entity's JSON Schema first, then the
/// regional rule set.
class RecordValidator {
  public:
    /// Loads the entity schemas from `schemaDirectory` (schemas/v1): entity "service_episode" is
    /// service-episode.schema.json. Throws ConfigError.
    explicit RecordValidator(const std::string& schemaDirectory);

    bool knows(const std::string& entity) const { return schemas_.count(entity) != 0; }

    /// The first fault found, or nothing when the record is valid.
    std::optional<Fault> validate(const RegionalRecord& record) const;

  private:
    std::map<std::string, SchemaValidator> schemas_;
};

}  // namespace gw
