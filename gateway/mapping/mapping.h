#pragma once

// Mapping: a municipality's declarative mapping of its export into regional records.

#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/mapping/code_table.h"
#include "gateway/mapping/transforms.h"
#include "gateway/model/fault.h"
#include "gateway/model/regional_record.h"
#include "gateway/model/source_record.h"

namespace gw {

/// What one source record became: its regional records, or the fault that stopped it.
struct MappingResult {
    std::vector<RegionalRecord> records;
    std::optional<Fault> fault;
    MappingNotes notes;
};

/// A declarative mapping (mappings/<municipality>.json): how one municipality's export is read
/// and how each of its records becomes regional records.
class Mapping {
  public:
    /// Loads and checks a mapping file and its code tables; throws ConfigError naming the key
    /// at fault. `mappingSchema` is schemas/mapping.schema.json.
    static Mapping load(const std::string& path, const std::string& mappingSchema);

    const std::string& name() const { return name_; }
    const std::string& version() const { return version_; }
    const std::string& file() const { return file_; }
    const std::string& municipality() const { return municipality_; }
    const std::string& sourceSystem() const { return sourceSystem_; }
    /// The adapter's format name and options (the mapping's "input" object).
    const std::string& format() const { return format_; }
    const nlohmann::json& inputOptions() const { return inputOptions_; }

    /// The regional entities each source record becomes.
    std::vector<std::string> entityNames() const;
    /// Every source column the mapping reads (for the dry run's "never used" list).
    std::vector<std::string> columnsRead() const;

    MappingResult apply(const SourceRecord& record) const;

  private:
    struct FieldRule {
        std::string target;                // dotted path in the regional record
        std::vector<std::string> columns;  // source fields, joined by `separator` when several, or
        std::string separator;
        std::optional<nlohmann::json> constant;
        std::optional<std::string> fallback;  // the value when the source is empty ("default")
        std::vector<std::unique_ptr<Transform>> transforms;
        bool personal = false;  // its value never appears in a message
    };
    struct EntityRule {
        std::string entity;
        // The entity applies only to records whose whenColumn holds one of whenIn (record types).
        std::optional<std::string> whenColumn;
        std::vector<std::string> whenIn;
        // The column with the entity's own source record id, when not the mapping's.
        std::optional<std::string> recordIdColumn;
        std::vector<FieldRule> fields;
    };

    std::optional<Fault> fill(const FieldRule& rule, const SourceRecord& record,
                              nlohmann::json& body, MappingNotes& notes) const;

    std::string file_;
    std::string name_;
    std::string version_;
    std::string municipality_;
    std::string sourceSystem_;
    std::string format_;
    nlohmann::json inputOptions_;
    std::string recordIdColumn_;
    // Transforms hold references into this map, so it lives on the heap and never moves.
    std::unique_ptr<std::map<std::string, CodeTable>> codeTables_;
    std::vector<EntityRule> entities_;
};

}  // namespace gw
