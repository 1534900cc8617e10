#include "gateway/mapping/mapping.h"

#include <Poco/Path.h>

#include "gateway/core/errors.h"
#include "gateway/core/identity_code.h"
#include "gateway/validation/schema_validator.h"

namespace gw {
namespace {

std::string siblingPath(const std::string& file, const std::string& relative) {
    Poco::Path path(relative);
    if (path.isAbsolute()) return relative;
    return Poco::Path(file).makeParent().resolve(path).toString();
}

// Sets body[a][b][c] for target "a.b.c", creating objects on the way.
void setPath(nlohmann::json& body, const std::string& target, nlohmann::json value) {
    nlohmann::json* node = &body;
    std::size_t start = 0;
    for (std::size_t dot = target.find('.'); dot != std::string::npos;
         dot = target.find('.', start)) {
        node = &(*node)[target.substr(start, dot - start)];
        start = dot + 1;
    }
    (*node)[target.substr(start)] = std::move(value);
}

}  // namespace

Mapping Mapping::load(const std::string& path, const std::string& mappingSchema) {
    nlohmann::json spec = readJsonFile(path);
    auto violations = SchemaValidator(mappingSchema).validate(spec);
    if (!violations.empty()) {
        const auto& first = violations.front();
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
        mapping.codeTables_->emplace(
            name, CodeTable::load(name, siblingPath(path, table["file"].get<std::string>()), policy,
                                  table.value("unknownCode", "")));
    }

    for (const auto& entitySpec : spec["entities"]) {
        EntityRule entity;
        entity.entity = entitySpec["entity"].get<std::string>();
        for (const auto& [target, fieldSpec] : entitySpec["fields"].items()) {
            FieldRule field;
            field.target = target;
            if (fieldSpec.contains("column")) field.column = fieldSpec["column"].get<std::string>();
            if (fieldSpec.contains("constant")) field.constant = fieldSpec["constant"];
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

MappingResult Mapping::apply(const SourceRecord& record) const {
    MappingResult result;
    const std::string* id = record.field(recordIdColumn_);
    if (!id || id->empty()) {
        result.fault =
            Fault{"map.record-id", recordIdColumn_, "the record has no source record id"};
        return result;
    }
    for (const auto& entity : entities_) {
        RegionalRecord regional{entity.entity, *id, nlohmann::json{{"entity", entity.entity}}};
        for (const auto& field : entity.fields) {
            if (auto fault = fill(field, record, regional.body, result.warnings)) {
                result.fault = std::move(fault);
                result.records.clear();
                return result;
            }
        }
        result.records.push_back(std::move(regional));
    }
    return result;
}

std::optional<Fault> Mapping::fill(const FieldRule& rule, const SourceRecord& record,
                                   nlohmann::json& body, std::vector<std::string>& warnings) const {
    if (rule.constant) {
        setPath(body, rule.target, *rule.constant);
        return std::nullopt;
    }
    const std::string* text = record.field(*rule.column);
    if (!text) {
        return Fault{"map.column-missing", *rule.column,
                     "the input has no column '" + *rule.column + "' for '" + rule.target + "'"};
    }
    nlohmann::json value = *text;
    for (const auto& transform : rule.transforms) {
        // An empty field stays out of the record; the schema decides whether it was required.
        if (value.is_string() && value.get_ref<const std::string&>().empty()) return std::nullopt;
        if (auto failure = transform->apply(value, warnings)) {
            std::string shown = rule.personal ? "(personal data, withheld)"
                                              : "'" + maskIdentityCodesIn(*text) + "'";
            return Fault{failure->rule, *rule.column,
                         "column '" + *rule.column + "' value " + shown + " for '" + rule.target +
                             "': " + failure->reason};
        }
    }
    if (value.is_string() && value.get_ref<const std::string&>().empty()) return std::nullopt;
    setPath(body, rule.target, std::move(value));
    return std::nullopt;
}

}  // namespace gw
