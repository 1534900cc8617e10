#pragma once

#include <map>
#include <optional>
#include <string>

#include "gateway/model/fault.h"
#include "gateway/model/regional_record.h"
#include "gateway/validation/compiled_schema.h"
#include "gateway/validation/rules.h"

namespace gw {

/// Decides whether a regional record may be stored: the regional rule set first (its ids are the
/// more precise: a malformed identity code is identity-code.format, not a pattern failure), then
/// the entity's JSON Schema, compiled at start.
class RecordValidator {
  public:
    /// Loads the entity schemas from `schemaDirectory` (schemas/v1): entity "service_episode" is
    /// service-episode.schema.json. Throws ConfigError.
    explicit RecordValidator(const std::string& schemaDirectory);

    bool knows(const std::string& entity) const { return schemas_.count(entity) != 0; }
    /// Every entity with a schema, by name.
    std::vector<std::string> entities() const {
        std::vector<std::string> names;
        for (const auto& [name, schema] : schemas_) names.push_back(name);
        return names;
    }

    /// The first fault found, or nothing when the record is valid. `group` holds every record made
    /// from the same source record, `record` included.
    std::optional<Fault> validate(const RegionalRecord& record,
                                  const std::vector<RegionalRecord>& group) const;

  private:
    /// What one entity's records are checked against, decided at start.
    struct EntityChecks {
        std::vector<const Rule*> rules;  ///< the regional rules for the entity, in order
        CompiledSchema schema;
    };
    std::map<std::string, EntityChecks> schemas_;
};

}  // namespace gw
