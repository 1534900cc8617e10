#include "gateway/mapping/mapping.h"

#include <Poco/Path.h>
#include <rapidjson/reader.h>

#include <algorithm>
#include <fstream>
#include <functional>

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

bool isRelative(const std::string& column) {
    return column == "." || column.rfind("./", 0) == 0 || column.rfind("../", 0) == 0;
}

/// How many elements up a relative column reads: 1 for "./x" (its own), 2 for "../x", and so on.
int levelsUp(const std::string& column) {
    int levels = 1;
    for (std::size_t at = 0; column.compare(at, 3, "../") == 0; at += 3) ++levels;
    return levels;
}

/// "../x" as the enclosing element sees it: "./x" ("../../x": "../x").
std::string oneUp(const std::string& column) {
    std::string rest = column.substr(3);
    return rest.rfind("../", 0) == 0 ? rest : "./" + rest;
}

/// The dry run's pattern of the element that encloses the one `pattern` names:
/// "/jaksot/*/tyojaksot/*" gives "/jaksot/*".
std::string enclosingPattern(const std::string& pattern) {
    std::string up = pattern.substr(0, pattern.rfind('/'));
    return up.substr(0, up.rfind('/'));
}

/// Part `index` (from 0) of `text` split at `separator`; empty when there are fewer parts.
std::string partOf(const std::string& text, const std::string& separator, std::size_t index) {
    std::size_t start = 0;
    for (std::size_t i = 0; i < index; ++i) {
        start = text.find(separator, start);
        if (start == std::string::npos) return "";
        start += separator.size();
    }
    std::size_t end = text.find(separator, start);
    return text.substr(start, end == std::string::npos ? std::string::npos : end - start);
}

/// The path an element-relative name stands for under `pattern` (an element's path, or the
/// dry run's "/jaksot/*"): "./alku" under "/jaksot/2" is "/jaksot/2/alku".
std::string underElement(const std::string& pattern, const std::string& relative) {
    return pattern + relative.substr(1);
}

}  // namespace

Mapping::FieldRule Mapping::fieldRule(const std::string& target, const nlohmann::json& spec,
                                      const std::string& municipality,
                                      const std::map<std::string, CodeTable>& codeTables,
                                      const std::string& file) {
    FieldRule field;
    field.target = target;
    // Objects on the way, and arrays for numeric steps: "client.identityCode", "goals.0.text".
    for (std::size_t start = 0;;) {
        std::size_t dot = target.find('.', start);
        std::string step =
            target.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        bool index = !step.empty() && step.find_first_not_of("0123456789") == std::string::npos;
        if (index) {
            field.steps.push_back({"", std::stoul(step)});
        } else {
            field.steps.push_back({step, std::nullopt});
        }
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    if (spec.contains("each")) {
        const auto& each = spec["each"];
        if (each.contains("each"))
            throw ConfigError(file + ": field '" + target +
                              "': an array field nests through its 'fields', not its 'each'");
        field.each = Iteration{each.value("array", ""), each.value("column", ""),
                               each.value("separator", ","), nullptr};
        for (const auto& [name, item] : spec["fields"].items())
            field.items.push_back(fieldRule(name, item, municipality, codeTables, file));
        return field;
    }
    if (spec.contains("column")) field.columns.push_back(spec["column"].get<std::string>());
    if (spec.contains("columns")) {
        field.columns = spec["columns"].get<std::vector<std::string>>();
        field.separator = spec.value("separator", " ");
    }
    field.columnHints.resize(field.columns.size());
    field.relative = std::any_of(field.columns.begin(), field.columns.end(), isRelative);
    if (spec.contains("default")) field.fallback = spec["default"].get<std::string>();
    if (spec.contains("constant"))
        field.constant = RecordBody::fromJson(expandConstant(spec["constant"], municipality));
    field.personal = spec.value("personal", false);
    try {
        const nlohmann::json steps = spec.value("transform", nlohmann::json::array());
        for (const auto& step : steps) {
            if (!field.transforms.empty() && !field.transforms.back()->producesText()) {
                throw ConfigError("no transform can follow one whose result is not text");
            }
            field.transforms.push_back(makeTransform(step, codeTables));
        }
    } catch (const ConfigError& e) {
        throw ConfigError(file + ": field '" + target + "': " + e.what());
    }
    return field;
}

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
        if (entitySpec.contains("each")) {
            const auto& each = entitySpec["each"];
            entity.each = Iteration{each.value("array", ""), each.value("column", ""),
                                    each.value("separator", ","), nullptr};
            if (isRelative(entity.each->array))
                throw ConfigError(path + ": entity '" + entity.entity +
                                  "': its 'each' array is a path in the record, not './'");
            // Nested iterations, innermost last, each an array in the element around it.
            std::vector<Iteration> nested;
            for (const auto* spec = &each; spec->contains("each"); spec = &(*spec)["each"]) {
                const auto& inner = (*spec)["each"];
                std::string array = inner.value("array", "");
                if (array.rfind("./", 0) != 0 || !spec->contains("array"))
                    throw ConfigError(path + ": entity '" + entity.entity +
                                      "': a nested 'each' is an array in the element around it "
                                      "('./x')");
                nested.push_back(Iteration{array, "", ",", nullptr});
            }
            std::shared_ptr<const Iteration> inner;
            for (auto it = nested.rbegin(); it != nested.rend(); ++it) {
                it->inner = inner;
                inner = std::make_shared<const Iteration>(*it);
            }
            entity.each->inner = inner;
        }
        for (const auto& [target, fieldSpec] : entitySpec["fields"].items()) {
            entity.fields.push_back(
                fieldRule(target, fieldSpec, mapping.municipality_, *mapping.codeTables_, path));
        }
        mapping.checkElementColumns(entity, path);
        mapping.entities_.push_back(std::move(entity));
    }
    return mapping;
}

std::vector<std::string> Mapping::entityNames() const {
    std::vector<std::string> names;
    for (const auto& entity : entities_) names.push_back(entity.entity);
    return names;
}

void Mapping::checkElementColumns(const EntityRule& entity, const std::string& file) {
    // How many elements enclose a column, and how many its "./" and "../" reach up.
    auto reach = [](const std::string& column) {
        return isRelative(column) ? levelsUp(column) : 0;
    };
    std::function<void(const FieldRule&, int)> check = [&](const FieldRule& field, int depth) {
        int needed = 0;
        for (const auto& column : field.columns) needed = std::max(needed, reach(column));
        if (field.each && field.each->array.rfind("../", 0) == 0)
            throw ConfigError(file + ": field '" + field.target + "' of '" + entity.entity +
                              "': an array field's 'each' is in the record or the element ('./')");
        if (field.each) needed = std::max(needed, reach(field.each->array));
        if (needed > depth)
            throw ConfigError(file + ": field '" + field.target + "' of '" + entity.entity +
                              "' reads './' or '../' outside the elements around it: give the "
                              "entity an 'each', or nest it deeper");
        for (const auto& item : field.items) check(item, depth + 1);
    };
    int depth = 0;
    for (const Iteration* each = entity.each ? &*entity.each : nullptr; each;
         each = each->inner.get())
        ++depth;
    for (const auto* column : {&entity.whenColumn, &entity.recordIdColumn}) {
        if (*column && reach(**column) > depth)
            throw ConfigError(file + ": entity '" + entity.entity +
                              "' reads './' or '../' outside the elements around it: give it an "
                              "'each', or nest it deeper");
    }
    for (const auto& field : entity.fields) check(field, depth);
}

void Mapping::addColumnsRead(const FieldRule& field, const std::string& pattern, bool parts,
                             std::vector<std::string>& out) {
    std::function<std::string(const std::string&, const std::string&)> under =
        [&](const std::string& column, const std::string& element) {
            if (column.rfind("../", 0) == 0) return under(oneUp(column), enclosingPattern(element));
            return underElement(element, column);
        };
    auto name = [&](const std::string& column) {
        if (!isRelative(column)) return column;
        if (parts) return column == "." ? pattern : column.substr(2);
        return under(column, pattern);
    };
    for (const auto& column : field.columns) out.push_back(name(column));
    if (!field.each) return;
    if (!field.each->column.empty()) {
        out.push_back(field.each->column);
        for (const auto& item : field.items) addColumnsRead(item, field.each->column, true, out);
    } else {
        std::string array = name(field.each->array);
        for (const auto& item : field.items) addColumnsRead(item, array + "/*", false, out);
    }
}

std::vector<std::string> Mapping::columnsRead() const {
    std::vector<std::string> columns{recordIdColumn_};
    for (const auto& entity : entities_) {
        bool parts = entity.each && !entity.each->column.empty();
        std::string pattern;
        if (entity.each) {
            pattern = parts ? entity.each->column : entity.each->array + "/*";
            if (parts) columns.push_back(entity.each->column);
            for (auto inner = entity.each->inner; inner; inner = inner->inner)
                pattern = underElement(pattern, inner->array) + "/*";
        }
        FieldRule ids;  // the entity's own columns, read like a field's
        if (entity.whenColumn) ids.columns.push_back(*entity.whenColumn);
        if (entity.recordIdColumn) ids.columns.push_back(*entity.recordIdColumn);
        addColumnsRead(ids, pattern, parts, columns);
        for (const auto& field : entity.fields) addColumnsRead(field, pattern, parts, columns);
    }
    std::sort(columns.begin(), columns.end());
    columns.erase(std::unique(columns.begin(), columns.end()), columns.end());
    return columns;
}

std::vector<Mapping::Element> Mapping::elementsOf(const Iteration& each, const SourceRecord& record,
                                                  const Element* enclosing) {
    std::vector<Element> elements;
    if (!each.column.empty()) {
        const std::string* text = record.field(each.column);
        if (!text || text->empty()) return elements;
        std::size_t parts = 1;
        for (std::size_t at = text->find(each.separator); at != std::string::npos;
             at = text->find(each.separator, at + each.separator.size()))
            ++parts;
        for (std::size_t i = 0; i < parts; ++i)
            elements.push_back({"", each.column, each.separator, i, enclosing});
        return elements;
    }
    std::string array = isRelative(each.array) && enclosing
                            ? underElement(enclosing->path, each.array)
                            : each.array;
    std::string prefix = array + "/";
    std::vector<std::size_t> seen;
    for (const auto& [name, text] : record.fields) {
        if (name.compare(0, prefix.size(), prefix) != 0) continue;
        std::size_t end = name.find('/', prefix.size());
        std::string token = name.substr(
            prefix.size(), end == std::string::npos ? std::string::npos : end - prefix.size());
        if (token.empty() || token.find_first_not_of("0123456789") != std::string::npos) continue;
        std::size_t index = std::stoul(token);
        if (std::find(seen.begin(), seen.end(), index) != seen.end()) continue;
        seen.push_back(index);
        elements.push_back({prefix + token, "", "", index, enclosing});
    }
    return elements;
}

std::optional<Fault> Mapping::forEachElement(
    const Iteration& each, const SourceRecord& record, const Element* enclosing,
    const std::function<std::optional<Fault>(const Element& element)>& make) {
    for (const auto& element : elementsOf(each, record, enclosing)) {
        auto fault =
            each.inner ? forEachElement(*each.inner, record, &element, make) : make(element);
        if (fault) return fault;
    }
    return std::nullopt;
}

namespace {

/// A column as one element sees it: the name a message gives it, and its text, which is absent
/// when the element does not have the field.
struct ElementColumn {
    std::string name;
    std::optional<std::string> text;
};

// A template only because Mapping::Element is private.
template <typename Element>
ElementColumn inElement(const std::string& column, const SourceRecord& record,
                        const Element& element) {
    if (!isRelative(column)) {
        const std::string* text = record.field(column);
        return {column, text ? std::optional<std::string>(*text) : std::nullopt};
    }
    if (column.rfind("../", 0) == 0) return inElement(oneUp(column), record, *element.enclosing);
    if (!element.column.empty()) {
        std::string name = column == "." ? element.column : column.substr(2);
        const std::string* text = record.field(name);
        std::string shown = name + "[" + std::to_string(element.index) + "]";
        if (!text) return {shown, std::nullopt};
        return {shown, partOf(*text, element.separator, element.index)};
    }
    std::string name = underElement(element.path, column);
    const std::string* text = record.field(name);
    return {name, text ? std::optional<std::string>(*text) : std::nullopt};
}

// A record of `entity` made in its place in `result`: a RegionalRecord is large to move. Should
// the mapping fail, all the result's records are dropped.
RegionalRecord& newRecord(MappingResult& result, const std::string& entity,
                          const std::string& sourceRecordId) {
    RegionalRecord& record = result.records.emplace_back();
    record.entity = entity;
    record.sourceRecordId = sourceRecordId;
    record.body.setText(record.body.member(record.body.root(), "entity"), entity);
    return record;
}

}  // namespace

MappingResult Mapping::apply(const SourceRecord& record) const {
    MappingResult result;
    result.records.reserve(entities_.size());
    auto fail = [&](Fault fault) {
        // All or nothing: what the record made so far is dropped with it.
        result.fault = std::move(fault);
        result.records.clear();
        return result;
    };
    for (const auto& entity : entities_) {
        if (entity.whenColumn && !isRelative(*entity.whenColumn)) {
            const std::string* kind = record.field(*entity.whenColumn, entity.whenHint);
            if (!kind || std::find(entity.whenIn.begin(), entity.whenIn.end(), *kind) ==
                             entity.whenIn.end()) {
                continue;
            }
        }
        const std::string& idColumn =
            entity.each ? recordIdColumn_ : entity.recordIdColumn.value_or(recordIdColumn_);
        const std::string* id = record.field(idColumn, entity.idHint);
        if (!id || id->empty()) {
            return fail(Fault{"map.record-id", idColumn,
                              "the record has no source record id for '" + entity.entity + "'"});
        }
        if (!entity.each) {
            RegionalRecord& regional = newRecord(result, entity.entity, *id);
            for (const auto& field : entity.fields) {
                if (auto fault = fill(field, record, nullptr, regional.body, regional.body.root(),
                                      result.notes))
                    return fail(std::move(*fault));
            }
            continue;
        }
        auto make = [&](const Element& element) -> std::optional<Fault> {
            if (entity.whenColumn && isRelative(*entity.whenColumn)) {
                auto kind = inElement(*entity.whenColumn, record, element);
                if (!kind.text || std::find(entity.whenIn.begin(), entity.whenIn.end(),
                                            *kind.text) == entity.whenIn.end())
                    return std::nullopt;
            }
            // An element's own id when it has one; else its place under its record, which
            // stays the same when the export is delivered again in the same order.
            std::string elementId =
                *id + (element.column.empty()
                           ? element.path
                           : "/" + element.column + "/" + std::to_string(element.index));
            if (entity.recordIdColumn) {
                auto own = inElement(*entity.recordIdColumn, record, element);
                if (!own.text || own.text->empty()) {
                    return Fault{"map.record-id", own.name,
                                 "the element has no id for '" + entity.entity + "'"};
                }
                elementId = *own.text;
            }
            RegionalRecord& regional = newRecord(result, entity.entity, elementId);
            for (const auto& field : entity.fields) {
                if (auto fault = fill(field, record, &element, regional.body, regional.body.root(),
                                      result.notes))
                    return fault;
            }
            return std::nullopt;
        };
        if (auto fault = forEachElement(*entity.each, record, nullptr, make))
            return fail(std::move(*fault));
    }
    if (result.records.empty()) {
        result.fault =
            Fault{"map.no-entity", "", "no entity of the mapping applies to this record"};
    }
    return result;
}

std::optional<Fault> Mapping::fill(const FieldRule& rule, const SourceRecord& record,
                                   const Element* element, RecordBody& body,
                                   RecordBody::Node object, MappingNotes& notes) const {
    // The node at the rule's target, made with the objects and arrays on the way.
    auto target = [&rule](RecordBody& in, RecordBody::Node node) {
        for (const auto& step : rule.steps)
            node = step.index ? in.element(node, *step.index) : in.member(node, step.name);
        return node;
    };
    if (rule.constant) {
        body.copy(target(body, object), *rule.constant, rule.constant->root());
        return std::nullopt;
    }
    if (rule.each) {
        // Built apart, and only then placed: an element that gets no field is left out, and an
        // array with no element makes nothing at all (which is not an error).
        RecordBody items;
        RecordBody::Node list = items.member(items.root(), "items");
        for (const auto& item : elementsOf(*rule.each, record, element)) {
            RecordBody::Node itemObject = items.append(list);
            for (const auto& field : rule.items) {
                if (auto fault = fill(field, record, &item, items, itemObject, notes)) return fault;
            }
            if (items.size(itemObject) == 0) items.removeLast(list);
        }
        if (items.size(list) != 0) body.copy(target(body, object), items, list);
        return std::nullopt;
    }
    // The source text: one column's, read where the record holds it, or several joined.
    std::string_view source;
    std::string joined;
    const std::string* where = &rule.columns.front();
    std::string elementWhere;  // the first column's name in this element, for messages
    for (std::size_t place = 0; place < rule.columns.size(); ++place) {
        const std::string& column = rule.columns[place];
        std::string_view text;
        ElementColumn inThis;
        if (rule.relative && isRelative(column)) {
            inThis = inElement(column, record, *element);
            if (&column == &rule.columns.front()) where = &(elementWhere = inThis.name);
            // An element without the field: elements of one array need not share a shape.
            if (!inThis.text) continue;
            text = *inThis.text;
        } else {
            const std::string* found = record.field(column, rule.columnHints[place]);
            if (!found) {
                return Fault{"map.column-missing", column,
                             "the input has no column '" + column + "' for '" + rule.target + "'"};
            }
            text = *found;
        }
        if (text.empty()) continue;
        if (source.empty() && !inThis.text) {  // the record's own text outlives this call
            source = text;
            continue;
        }
        // `source` is either borrowed from the record (copy it in to start the join) or, after
        // the first join, `joined` itself, which is left as it is and extended.
        if (joined.data() != source.data()) joined.assign(source);
        if (!joined.empty()) joined += rule.separator;
        joined += text;
        source = joined;
    }
    if (source.empty() && rule.fallback) source = *rule.fallback;
    // An empty field stays out of the record; the schema decides whether it was required.
    if (source.empty()) return std::nullopt;
    if (rule.transforms.empty()) {
        body.setText(target(body, object), source);
        return std::nullopt;
    }
    Scalar value(std::in_place_type<std::string>, source);
    for (const auto& transform : rule.transforms) {
        if (const auto* text = std::get_if<std::string>(&value); text && text->empty())
            return std::nullopt;
        if (auto failure = transform->apply(value, notes)) {
            std::string shown = rule.personal
                                    ? "(personal data, withheld)"
                                    : "'" + maskIdentityCodesIn(std::string(source)) + "'";
            return Fault{failure->rule, *where,
                         "column '" + *where + "' value " + shown + " for '" + rule.target +
                             "': " + failure->message};
        }
    }
    if (const auto* text = std::get_if<std::string>(&value); text && text->empty())
        return std::nullopt;
    body.set(target(body, object), value);
    return std::nullopt;
}

}  // namespace gw
