#include "gateway/mapping/mapping.h"

#include <Poco/Path.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <fstream>

#include "adapters/json/chunked_source.h"
#include "gateway/core/errors.h"
#include "gateway/core/identity_code.h"
#include "gateway/core/schema_validator.h"

namespace gw {
namespace {

std::string siblingPath(const std::string& file, const std::string& relative) {
    Poco::Path path(relative);
    if (path.isAbsolute()) return relative;
    return Poco::Path(file).makeParent().resolve(path).toString();
}

// Sets the value at a dotted target, creating objects on the way and arrays for numeric steps:
// "client.identityCode", "goals.0.text".
void setPath(nlohmann::json& body, const std::string& target, nlohmann::json value) {
    nlohmann::json* node = &body;
    std::size_t start = 0;
    for (;;) {
        std::size_t dot = target.find('.', start);
        std::string step =
            target.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        bool index = !step.empty() && step.find_first_not_of("0123456789") == std::string::npos;
        nlohmann::json& next = index ? (*node)[std::stoul(step)] : (*node)[step];
        if (dot == std::string::npos) {
            next = std::move(value);
            return;
        }
        node = &next;
        start = dot + 1;
    }
}

// Reads a mapping file and the files it extends, the extending file's keys winning (RFC 7386
// merge). Code-table paths are made absolute first, each against the file that names it.
nlohmann::json readMerged(const std::string& path, std::vector<std::string>& chain, int depth = 0) {
    if (depth > 4) throw ConfigError(path + ": 'extends' nests deeper than 4 files");
    chain.push_back(path);
    nlohmann::json spec = readJsonFile(path);
    if (!spec.is_object()) throw ConfigError(path + ": a mapping file is a JSON object");
    if (spec.contains("codeTables") && spec["codeTables"].is_object()) {
        for (auto& table : spec["codeTables"]) {
            if (table.is_object() && table.contains("file") && table["file"].is_string()) {
                table["file"] = siblingPath(path, table["file"].get<std::string>());
            }
        }
    }
    if (!spec.contains("extends")) return spec;
    if (!spec["extends"].is_string()) throw ConfigError(path + ": 'extends' names one file");
    nlohmann::json merged =
        readMerged(siblingPath(path, spec["extends"].get<std::string>()), chain, depth + 1);
    spec.erase("extends");
    merged.merge_patch(spec);
    return merged;
}

/// Finds the line where the value at a dotted path ("entities.0.fields.startDate") begins in a
/// JSON text, so that a mistake in a mapping file can be shown where it is written.
class LineFinder {
  public:
    LineFinder(const std::string& target, ChunkedSource& source)
        : target_(target), source_(source) {}
    std::uint64_t line() const { return line_; }

    // RapidJSON's handler concept: any event returning false ends the parse.
    bool Null() { return value(); }
    bool Bool(bool) { return value(); }
    bool Int(int) { return value(); }
    bool Uint(unsigned) { return value(); }
    bool Int64(std::int64_t) { return value(); }
    bool Uint64(std::uint64_t) { return value(); }
    bool Double(double) { return value(); }
    bool RawNumber(const char*, rapidjson::SizeType, bool) { return value(); }
    bool String(const char*, rapidjson::SizeType, bool) { return value(); }
    bool Key(const char* name, rapidjson::SizeType length, bool) {
        levels_.back().key.assign(name, length);
        return true;
    }
    bool StartObject() { return open(false); }
    bool StartArray() { return open(true); }
    bool EndObject(rapidjson::SizeType) { return close(); }
    bool EndArray(rapidjson::SizeType) { return close(); }

  private:
    struct Level {
        bool array;
        std::size_t index;
        std::string key;
        std::string path;
    };

    std::string nextPath() {
        if (levels_.empty()) return "";
        Level& level = levels_.back();
        std::string step = level.array ? std::to_string(level.index++) : level.key;
        return level.path.empty() ? step : level.path + "." + step;
    }
    bool found(const std::string& path) {
        if (path != target_) return true;
        line_ = source_.line();
        return false;  // stop parsing: found
    }
    bool value() { return found(nextPath()); }
    bool open(bool array) {
        std::string path = nextPath();
        levels_.push_back(Level{array, 0, "", path});
        return found(path);
    }
    bool close() {
        levels_.pop_back();
        return true;
    }

    const std::string& target_;
    ChunkedSource& source_;
    std::vector<Level> levels_;
    std::uint64_t line_ = 0;
};

std::uint64_t lineOf(const std::string& file, const std::string& path) {
    std::ifstream input(file, std::ios::binary);
    ChunkedSource source(input);
    LineFinder finder(path, source);
    rapidjson::Reader().Parse(source, finder);
    return finder.line();
}

// "${municipality}" in a string constant stands for the mapping's municipality code.
nlohmann::json expandConstant(nlohmann::json constant, const std::string& municipality) {
    if (constant.is_string()) {
        std::string text = constant.get<std::string>();
        for (std::size_t at = text.find("${municipality}"); at != std::string::npos;
             at = text.find("${municipality}", at)) {
            text.replace(at, 15, municipality);
        }
        constant = text;
    }
    return constant;
}

}  // namespace

Mapping Mapping::load(const std::string& path, const std::string& mappingSchema) {
    std::vector<std::string> chain;
    nlohmann::json spec = readMerged(path, chain);
    auto violations = SchemaValidator(mappingSchema).validate(spec);
    if (!violations.empty()) {
        const auto& first = violations.front();
        // Name the file and line that hold the key, the extending file first.
        for (const auto& file : chain) {
            if (std::uint64_t line = lineOf(file, first.path)) {
                throw ConfigError(file + " line " + std::to_string(line) + ": at '" + first.path +
                                  "': " + first.message);
            }
        }
        throw ConfigError(path + ": at '" + first.path + "': " + first.message);
    }

    Mapping mapping;
    mapping.file_ = path;
    mapping.name_ = spec["mapping"].get<std::string>();
    mapping.version_ = spec["version"].get<std::string>();
    mapping.municipality_ = spec["municipality"].get<std::string>();
    mapping.sourceSystem_ = spec["sourceSystem"].get<std::string>();
    mapping.inputOptions_ = spec["input"];
    mapping.format_ = mapping.inputOptions_["format"].get<std::string>();
    mapping.recordIdColumn_ = spec["recordId"]["column"].get<std::string>();

    mapping.codeTables_ = std::make_unique<std::map<std::string, CodeTable>>();
    const nlohmann::json codeTables = spec.value("codeTables", nlohmann::json::object());
    for (const auto& [name, table] : codeTables.items()) {
        auto policy = table.value("unmapped", "reject") == "reject"
                          ? CodeTable::UnmappedPolicy::Reject
                          : CodeTable::UnmappedPolicy::MapToUnknown;
        mapping.codeTables_->emplace(name, CodeTable::load(name, table["file"].get<std::string>(),
                                                           policy, table.value("unknownCode", "")));
    }

    for (const auto& entitySpec : spec["entities"]) {
        EntityRule entity;
        entity.entity = entitySpec["entity"].get<std::string>();
        if (entitySpec.contains("when")) {
            entity.whenColumn = entitySpec["when"]["column"].get<std::string>();
            entity.whenIn = entitySpec["when"]["in"].get<std::vector<std::string>>();
        }
        if (entitySpec.contains("recordId")) {
            entity.recordIdColumn = entitySpec["recordId"]["column"].get<std::string>();
        }
        for (const auto& [target, fieldSpec] : entitySpec["fields"].items()) {
            FieldRule field;
            field.target = target;
            if (fieldSpec.contains("column"))
                field.columns.push_back(fieldSpec["column"].get<std::string>());
            if (fieldSpec.contains("columns")) {
                field.columns = fieldSpec["columns"].get<std::vector<std::string>>();
                field.separator = fieldSpec.value("separator", " ");
            }
            if (fieldSpec.contains("default"))
                field.fallback = fieldSpec["default"].get<std::string>();
            if (fieldSpec.contains("constant")) {
                field.constant = expandConstant(fieldSpec["constant"], mapping.municipality_);
            }
            field.personal = fieldSpec.value("personal", false);
            try {
                const nlohmann::json steps = fieldSpec.value("transform", nlohmann::json::array());
                for (const auto& step : steps) {
                    if (!field.transforms.empty() && !field.transforms.back()->producesText()) {
                        throw ConfigError("no transform can follow one whose result is not text");
                    }
                    field.transforms.push_back(makeTransform(step, *mapping.codeTables_));
                }
            } catch (const ConfigError& e) {
                throw ConfigError(path + ": field '" + target + "': " + e.what());
            }
            entity.fields.push_back(std::move(field));
        }
        mapping.entities_.push_back(std::move(entity));
    }
    return mapping;
}

std::vector<std::string> Mapping::entityNames() const {
    std::vector<std::string> names;
    for (const auto& entity : entities_) names.push_back(entity.entity);
    return names;
}

std::vector<std::string> Mapping::columnsRead() const {
    std::vector<std::string> columns{recordIdColumn_};
    for (const auto& entity : entities_) {
        if (entity.whenColumn) columns.push_back(*entity.whenColumn);
        if (entity.recordIdColumn) columns.push_back(*entity.recordIdColumn);
        for (const auto& field : entity.fields)
            columns.insert(columns.end(), field.columns.begin(), field.columns.end());
    }
    std::sort(columns.begin(), columns.end());
    columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
    return columns;
}

MappingResult Mapping::apply(const SourceRecord& record) const {
    MappingResult result;
    for (const auto& entity : entities_) {
        if (entity.whenColumn) {
            const std::string* kind = record.field(*entity.whenColumn);
            if (!kind || std::find(entity.whenIn.begin(), entity.whenIn.end(), *kind) ==
                             entity.whenIn.end()) {
                continue;
            }
        }
        const std::string& idColumn = entity.recordIdColumn.value_or(recordIdColumn_);
        const std::string* id = record.field(idColumn);
        if (!id || id->empty()) {
            result.fault = Fault{"map.record-id", idColumn,
                                 "the record has no source record id for '" + entity.entity + "'"};
            result.records.clear();
            return result;
        }
        RegionalRecord regional{entity.entity, *id, nlohmann::json{{"entity", entity.entity}}};
        for (const auto& field : entity.fields) {
            if (auto fault = fill(field, record, regional.body, result.notes)) {
                result.fault = std::move(fault);
                result.records.clear();
                return result;
            }
        }
        result.records.push_back(std::move(regional));
    }
    if (result.records.empty()) {
        result.fault =
            Fault{"map.no-entity", "", "no entity of the mapping applies to this record"};
    }
    return result;
}

std::optional<Fault> Mapping::fill(const FieldRule& rule, const SourceRecord& record,
                                   nlohmann::json& body, MappingNotes& notes) const {
    if (rule.constant) {
        setPath(body, rule.target, *rule.constant);
        return std::nullopt;
    }
    std::string source;
    for (const auto& column : rule.columns) {
        const std::string* text = record.field(column);
        if (!text) {
            return Fault{"map.column-missing", column,
                         "the input has no column '" + column + "' for '" + rule.target + "'"};
        }
        if (text->empty()) continue;
        if (!source.empty()) source += rule.separator;
        source += *text;
    }
    const std::string& where = rule.columns.front();
    if (source.empty() && rule.fallback) source = *rule.fallback;
    nlohmann::json value = source;
    for (const auto& transform : rule.transforms) {
        // An empty field stays out of the record; the schema decides whether it was required.
        if (value.is_string() && value.get_ref<const std::string&>().empty()) return std::nullopt;
        if (auto failure = transform->apply(value, notes)) {
            std::string shown = rule.personal ? "(personal data, withheld)"
                                              : "'" + maskIdentityCodesIn(source) + "'";
            return Fault{failure->rule, where,
                         "column '" + where + "' value " + shown + " for '" + rule.target +
                             "': " + failure->message};
        }
    }
    if (value.is_string() && value.get_ref<const std::string&>().empty()) return std::nullopt;
    setPath(body, rule.target, std::move(value));
    return std::nullopt;
}

}  // namespace gw
