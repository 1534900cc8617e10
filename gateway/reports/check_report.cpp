#include "gateway/reports/check_report.h"

#include <algorithm>
#include <map>
#include <set>

#include "gateway/core/schema_validator.h"

namespace gw {
namespace {

// The field paths a schema defines ("client.identityCode", "goals[].text"), following $refs into
// common.schema.json.
void collectSchemaPaths(const nlohmann::json& node, const nlohmann::json& common,
                        const std::string& prefix, std::set<std::string>& paths) {
    const nlohmann::json* schema = &node;
    if (schema->contains("$ref")) {
        std::string ref = (*schema)["$ref"].get<std::string>();
        std::size_t hash = ref.find("#/definitions/");
        if (hash == std::string::npos) return;
        schema = &common["definitions"][ref.substr(hash + 14)];
    }
    if (schema->contains("properties")) {
        for (const auto& [name, child] : (*schema)["properties"].items()) {
            if (prefix.empty() && (name == "entity" || name == "provenance")) continue;
            collectSchemaPaths(child, common, prefix.empty() ? name : prefix + "." + name, paths);
        }
    } else if (schema->contains("items")) {
        collectSchemaPaths((*schema)["items"], common, prefix + "[]", paths);
    } else if (!prefix.empty()) {
        paths.insert(prefix);
    }
}

void collectRecordPaths(const RecordBody& body, RecordBody::Node node, const std::string& prefix,
                        std::set<std::string>& paths) {
    if (body.isObject(node)) {
        for (auto child = body.first(node); child != RecordBody::kNone; child = body.next(child)) {
            std::string name(body.key(child));
            if (prefix.empty() && (name == "entity" || name == "provenance")) continue;
            collectRecordPaths(body, child, prefix.empty() ? name : prefix + "." + name, paths);
        }
    } else if (body.kind(node) == RecordBody::Kind::Array) {
        for (auto child = body.first(node); child != RecordBody::kNone; child = body.next(child))
            collectRecordPaths(body, child, prefix + "[]", paths);
    } else {
        paths.insert(prefix);
    }
}

/// A source field's name with each array index as "*" ("/jaksot/2/alku" is "/jaksot/*/alku"),
/// calling `onIndex(array, index)` for each index on the way ("/jaksot", 2).
template <typename OnIndex>
std::string withoutIndices(const std::string& name, OnIndex onIndex) {
    if (name.empty() || name[0] != '/') return name;
    std::string pattern;
    std::size_t start = 1;
    while (start <= name.size()) {
        std::size_t end = name.find('/', start);
        std::string token =
            name.substr(start, end == std::string::npos ? std::string::npos : end - start);
        if (!token.empty() && token.find_first_not_of("0123456789") == std::string::npos) {
            onIndex(pattern, std::stoull(token));
            token = "*";
        }
        pattern += "/" + token;
        if (end == std::string::npos) break;
        start = end + 1;
    }
    return pattern;
}

/// What the dry run saw of one array of the input (all records).
struct ArraySeen {
    long records = 0;   ///< records that have it
    long elements = 0;  ///< elements in all
    std::size_t mostInOneRecord = 0;
    std::set<std::uint64_t> indices;  ///< every index seen
};

/// Keeps nothing; counts what a real run would have stored and quarantined.
class CheckSink : public WholeRecordSink {
  public:
    struct RejectGroup {
        long count = 0;
        std::vector<SourcePosition> examples;
    };

    void write(const std::vector<RegionalRecord>& records) override {
        for (const auto& record : records)
            collectRecordPaths(record.body, record.body.root(), "", filled[record.entity]);
        ++counts_.stored;
    }
    void quarantine(const Rejection& rejection, const SourceRecord&) override {
        ++counts_.rejected;
        RejectGroup& group = rejects[{rejection.rule, rejection.field}];
        ++group.count;
        if (group.examples.size() < 3) group.examples.push_back(rejection.position);
    }
    TransferCounts commit() override { return counts_; }
    void mapped(const SourceRecord& source, const MappingNotes& notes) override {
        std::map<std::string, std::set<std::uint64_t>> inRecord;  // array -> indices
        for (const auto& field : source.fields) {
            sourceFields.insert(
                withoutIndices(field.first, [&](const std::string& array, std::uint64_t index) {
                    inRecord[array].insert(index);
                }));
        }
        for (const auto& [array, indices] : inRecord) {
            ArraySeen& seen = arrays[array];
            ++seen.records;
            seen.elements += static_cast<long>(indices.size());
            seen.mostInOneRecord = std::max(seen.mostInOneRecord, indices.size());
            seen.indices.insert(indices.begin(), indices.end());
        }
        for (const auto& [table, code] : notes.unmappedCodes) ++unmapped[table][code];
    }

    std::map<std::pair<std::string, std::string>, RejectGroup> rejects;  // (rule, field)
    std::map<std::string, std::map<std::string, long>> unmapped;         // table -> code -> count
    std::set<std::string> sourceFields;                                  // array indices as "*"
    std::map<std::string, ArraySeen> arrays;                             // by path, indices as "*"
    std::map<std::string, std::set<std::string>> filled;                 // entity -> paths seen

  private:
    TransferCounts counts_;
};

}  // namespace

nlohmann::json checkExport(Pipeline& pipeline, const Mapping& mapping, std::istream& input,
                           const std::string& inputName, const std::string& schemaDirectory) {
    CheckSink sink;
    TransferResult result = pipeline.run(input, inputName, 0, sink);

    nlohmann::json report{{"input", inputName},
                          {"mapping", mapping.name()},
                          {"mappingVersion", mapping.version()},
                          {"read", result.counts.read},
                          {"wouldPass", result.counts.stored},
                          {"rejected", result.counts.rejected}};
    if (result.error) report["stopped"] = *result.error;
    report["rejects"] = nlohmann::json::array();
    for (const auto& [key, group] : sink.rejects) {
        nlohmann::json examples = nlohmann::json::array();
        for (const auto& position : group.examples) examples.push_back(position.toJson());
        report["rejects"].push_back({{"rule", key.first},
                                     {"field", key.second},
                                     {"count", group.count},
                                     {"examples", examples}});
    }
    report["unmappedCodes"] = nlohmann::json::object();
    for (const auto& [table, codes] : sink.unmapped) {
        std::vector<std::pair<std::string, long>> sorted(codes.begin(), codes.end());
        std::stable_sort(sorted.begin(), sorted.end(),
                         [](const auto& a, const auto& b) { return a.second > b.second; });
        for (const auto& [code, count] : sorted)
            report["unmappedCodes"][table].push_back({{"code", code}, {"count", count}});
    }
    // What the mapping reads, indices as "*"; an array read at fixed indices only ("/x/0/y")
    // is noted with them, and one read element by element ("each") as a whole.
    std::set<std::string> read;
    std::map<std::string, std::set<std::uint64_t>> fixedIndices;
    std::set<std::string> readWhole;
    for (const auto& column : mapping.columnsRead()) {
        read.insert(withoutIndices(column, [&](const std::string& array, std::uint64_t index) {
            fixedIndices[array].insert(index);
        }));
        for (std::size_t star = column.find("/*"); star != std::string::npos;
             star = column.find("/*", star + 2))
            readWhole.insert(withoutIndices(column.substr(0, star), [](auto&&...) {}));
    }
    report["sourceFieldsNeverUsed"] = nlohmann::json::array();
    for (const auto& field : sink.sourceFields) {
        if (!read.count(field)) report["sourceFieldsNeverUsed"].push_back(field);
    }
    report["arrays"] = nlohmann::json::array();
    report["warnings"] = nlohmann::json::array();
    for (const auto& [array, seen] : sink.arrays) {
        std::string how = "not read";
        if (readWhole.count(array)) {
            how = "every element";
        } else if (fixedIndices.count(array)) {
            const auto& fixed = fixedIndices[array];
            how = "only";
            for (auto index : fixed) how += " " + array + "/" + std::to_string(index);
            bool othersExist = std::any_of(seen.indices.begin(), seen.indices.end(),
                                           [&](auto index) { return !fixed.count(index); });
            if (othersExist) {
                report["warnings"].push_back(
                    array + ": the mapping reads " + how.substr(5) + ", but records hold up to " +
                    std::to_string(seen.mostInOneRecord) +
                    " elements; the others are ignored (map it with \"each\")");
            }
        }
        report["arrays"].push_back({{"path", array},
                                    {"records", seen.records},
                                    {"elements", seen.elements},
                                    {"mostInOneRecord", seen.mostInOneRecord},
                                    {"read", how}});
    }
    report["regionalFieldsNeverFilled"] = nlohmann::json::object();
    nlohmann::json common = readJsonFile(schemaDirectory + "/common.schema.json");
    for (const auto& entity : mapping.entityNames()) {
        std::string file = entity;
        std::replace(file.begin(), file.end(), '_', '-');
        std::set<std::string> defined;
        collectSchemaPaths(readJsonFile(schemaDirectory + "/" + file + ".schema.json"), common, "",
                           defined);
        auto& unfilled = report["regionalFieldsNeverFilled"][entity] = nlohmann::json::array();
        for (const auto& path : defined) {
            if (!sink.filled[entity].count(path)) unfilled.push_back(path);
        }
    }

    return report;
}

}  // namespace gw
