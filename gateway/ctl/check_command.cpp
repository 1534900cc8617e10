#include "gateway/ctl/check_command.h"

#include <Poco/Util/Option.h>

#include <algorithm>
#include <iostream>
#include <map>
#include <set>

#include "gateway/core/errors.h"
#include "gateway/core/schema_validator.h"
#include "gateway/pipeline/pipeline.h"

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

void collectRecordPaths(const nlohmann::json& node, const std::string& prefix,
                        std::set<std::string>& paths) {
    if (node.is_object()) {
        for (const auto& [name, child] : node.items()) {
            if (prefix.empty() && (name == "entity" || name == "provenance")) continue;
            collectRecordPaths(child, prefix.empty() ? name : prefix + "." + name, paths);
        }
    } else if (node.is_array()) {
        for (const auto& child : node) collectRecordPaths(child, prefix + "[]", paths);
    } else {
        paths.insert(prefix);
    }
}

/// Keeps nothing; counts what a real run would have stored and quarantined.
class CheckSink : public RecordSink {
  public:
    struct RejectGroup {
        long count = 0;
        std::vector<SourcePosition> examples;
    };

    void write(const std::vector<RegionalRecord>& records) override {
        for (const auto& record : records)
            collectRecordPaths(record.body, "", filled[record.entity]);
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
        for (const auto& field : source.fields) sourceFields.insert(field.first);
        for (const auto& [table, code] : notes.unmappedCodes) ++unmapped[table][code];
    }

    std::map<std::pair<std::string, std::string>, RejectGroup> rejects;  // (rule, field)
    std::map<std::string, std::map<std::string, long>> unmapped;         // table -> code -> count
    std::set<std::string> sourceFields;
    std::map<std::string, std::set<std::string>> filled;  // entity -> paths seen

  private:
    TransferCounts counts_;
};

std::string describe(const SourcePosition& position) {
    return position.line ? "line " + std::to_string(position.line)
                         : "record " + std::to_string(position.record);
}

}  // namespace

void CheckCommand::defineOptions(Poco::Util::OptionSet& options) {
    MappingCommand::defineOptions(options);
    options.addOption(Poco::Util::Option("json", "", "print the report as JSON").repeatable(false));
}

void CheckCommand::handleOption(const std::string& name, const std::string& value) {
    MappingCommand::handleOption(name, value);
    if (name == "json") json_ = true;
}

int CheckCommand::run(const std::vector<std::string>& arguments) {
    if (arguments.size() != 1)
        throw ConfigError("check takes exactly one INPUT (a file, or - for stdin)");
    auto offline = prepare();
    const Mapping& mapping = offline->mapping;
    const std::string& schemas = offline->schemas;
    CommandInput input(arguments.front());
    const std::string& inputName = input.name();
    CheckSink sink;
    TransferResult result = offline->pipeline.run(input.stream(), inputName, 0, sink);

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
    std::vector<std::string> read = mapping.columnsRead();
    report["sourceFieldsNeverUsed"] = nlohmann::json::array();
    for (const auto& field : sink.sourceFields) {
        if (!std::binary_search(read.begin(), read.end(), field))
            report["sourceFieldsNeverUsed"].push_back(field);
    }
    report["regionalFieldsNeverFilled"] = nlohmann::json::object();
    nlohmann::json common = readJsonFile(schemas + "/v1/common.schema.json");
    for (const auto& entity : mapping.entityNames()) {
        std::string file = entity;
        std::replace(file.begin(), file.end(), '_', '-');
        std::set<std::string> defined;
        collectSchemaPaths(readJsonFile(schemas + "/v1/" + file + ".schema.json"), common, "",
                           defined);
        auto& unfilled = report["regionalFieldsNeverFilled"][entity] = nlohmann::json::array();
        for (const auto& path : defined) {
            if (!sink.filled[entity].count(path)) unfilled.push_back(path);
        }
    }

    if (json_) {
        std::cout << report.dump(2) << std::endl;
    } else {
        std::cout << inputName << " with mapping " << mapping.name() << " " << mapping.version()
                  << "\n"
                  << "  read " << result.counts.read << ", would pass " << result.counts.stored
                  << ", rejected " << result.counts.rejected << "\n";
        if (result.error) std::cout << "  stopped: " << *result.error << "\n";
        std::cout << "\nrejects by rule and field:\n";
        if (sink.rejects.empty()) std::cout << "  (none)\n";
        for (const auto& [key, group] : sink.rejects) {
            std::cout << "  " << key.first << "  " << (key.second.empty() ? "(record)" : key.second)
                      << "  " << group.count << "  e.g.";
            for (const auto& position : group.examples) std::cout << " " << describe(position);
            std::cout << "\n";
        }
        std::cout << "\nunmapped codes:\n";
        if (report["unmappedCodes"].empty()) std::cout << "  (none)\n";
        for (const auto& [table, codes] : report["unmappedCodes"].items()) {
            std::cout << "  " << table << ":";
            for (const auto& code : codes) {
                std::cout << " '" << code["code"].get<std::string>() << "' (" << code["count"]
                          << ")";
            }
            std::cout << "\n";
        }
        std::cout << "\nsource fields never used:";
        if (report["sourceFieldsNeverUsed"].empty()) std::cout << " (none)";
        for (const auto& field : report["sourceFieldsNeverUsed"])
            std::cout << " " << field.get<std::string>();
        std::cout << "\n\nregional fields never filled:\n";
        for (const auto& [entity, paths] : report["regionalFieldsNeverFilled"].items()) {
            std::cout << "  " << entity << ":";
            if (paths.empty()) std::cout << " (none)";
            for (const auto& path : paths) std::cout << " " << path.get<std::string>();
            std::cout << "\n";
        }
    }
    return result.counts.rejected == 0 && !result.error ? kOk : kRejected;
}

}  // namespace gw
