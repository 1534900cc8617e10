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
    /// What an entity or an array field is made once for each element of ("each"): the elements
    /// of an array (a path whose fields are named `<path>/<index>/...`, as the JSON adapter names
    /// them), or the parts of a multi-value column.
    struct Iteration {
        std::string array;   ///< the array's path; "./x" is relative to the enclosing element
        std::string column;  ///< or the multi-value column
        std::string separator;
        /// An entity's: an array in each element ("./x"), whose elements the entity is made for
        /// in turn (a placement for each element of each episode's placements).
        std::shared_ptr<const Iteration> inner;
    };
    /// One element being mapped: what a column starting with "./" (or ".") is relative to; "../"
    /// is relative to the element that encloses it.
    struct Element {
        std::string path;       ///< the element's own path ("/jaksot/2"), for arrays
        std::string column;     ///< for parts: the multi-value column
        std::string separator;  ///< and its separator
        std::size_t index = 0;  ///< the element's position in its array or column, from 0
        const Element* enclosing = nullptr;
    };
    /// One step of a field's target: a member's name, or an array index ("goals.0.text").
    struct TargetStep {
        std::string name;
        std::optional<std::size_t> index;
    };
    struct FieldRule {
        std::string target;                // dotted path in the regional record
        std::vector<TargetStep> steps;     // the same, split once
        std::vector<std::string> columns;  // source fields, joined by `separator` when several, or
        std::vector<FieldHint> columnHints;  // one for each column
        std::string separator;
        std::optional<RecordBody> constant;
        std::optional<std::string> fallback;  // the value when the source is empty ("default")
        std::vector<std::unique_ptr<Transform>> transforms;
        bool personal = false;  // its value never appears in a message
        bool relative = false;  // some column is relative to an element ("./x")
        // An array field: one object of `items` per element of `each`.
        std::optional<Iteration> each;
        std::vector<FieldRule> items;
    };
    struct EntityRule {
        std::string entity;
        // The entity applies only to records whose whenColumn holds one of whenIn (record types).
        std::optional<std::string> whenColumn;
        std::vector<std::string> whenIn;
        // The column with the entity's own source record id, when not the mapping's.
        std::optional<std::string> recordIdColumn;
        FieldHint whenHint, idHint;
        // Made once for each element, when set.
        std::optional<Iteration> each;
        std::vector<FieldRule> fields;
    };

    /// Throws ConfigError for a column relative to an element ("./x") outside any element, or to
    /// an enclosing one ("../x") where none encloses.
    static void checkElementColumns(const EntityRule& entity, const std::string& file);
    /// Adds the columns `field` reads to `out`, an element's fields under `pattern` ("/jaksot/*"
    /// for an array's elements; a parts column's own name for its parts).
    static void addColumnsRead(const FieldRule& field, const std::string& pattern, bool parts,
                               std::vector<std::string>& out);
    static FieldRule fieldRule(const std::string& target, const nlohmann::json& spec,
                               const std::string& municipality,
                               const std::map<std::string, CodeTable>& codeTables,
                               const std::string& file);
    /// The elements of `each` within `enclosing` (null: the record itself), in source order.
    static std::vector<Element> elementsOf(const Iteration& each, const SourceRecord& record,
                                           const Element* enclosing);
    /// Calls `make` with each innermost element of `each` (and of its inner iterations) within
    /// `enclosing`, in source order; stops at the first fault `make` returns, and returns it.
    static std::optional<Fault> forEachElement(
        const Iteration& each, const SourceRecord& record, const Element* enclosing,
        const std::function<std::optional<Fault>(const Element& element)>& make);
    /// Fills `rule`'s target under `object` of `body` (the record's root, or an array field's
    /// element) from `record`.
    std::optional<Fault> fill(const FieldRule& rule, const SourceRecord& record,
                              const Element* element, RecordBody& body, RecordBody::Node object,
                              MappingNotes& notes) const;

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
