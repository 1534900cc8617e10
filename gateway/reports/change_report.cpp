#include "gateway/reports/change_report.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/String.h>

#include "gateway/core/schema_validator.h"

namespace gw {
namespace {

const char* outcomeName(ChangeReport::Outcome outcome) {
    switch (outcome) {
        case ChangeReport::Outcome::NewlyStored:
            return "newlyStored";
        case ChangeReport::Outcome::Changed:
            return "changed";
        case ChangeReport::Outcome::Unchanged:
            return "unchanged";
        case ChangeReport::Outcome::NewlyRejected:
            return "newlyRejected";
        case ChangeReport::Outcome::StillRejected:
            return "stillRejected";
    }
    return "";
}

/// Collects the code-set fields under `schema` at `path`, following `$ref`s into
/// common.schema.json.
void collectCodeSets(const nlohmann::json& schema, const nlohmann::json& common,
                     const std::string& path, std::set<std::string>& fields) {
    if (!schema.is_object()) return;
    if (schema.contains("x-codeSet")) fields.insert(path);
    if (auto ref = schema.find("$ref"); ref != schema.end() && ref->is_string()) {
        std::string target = ref->get<std::string>();
        auto hash = target.find('#');
        if (hash != std::string::npos && target.compare(0, hash, "common.schema.json") == 0) {
            auto pointer = nlohmann::json::json_pointer(target.substr(hash + 1));
            if (common.contains(pointer)) collectCodeSets(common.at(pointer), common, path, fields);
        }
    }
    if (auto properties = schema.find("properties"); properties != schema.end()) {
        for (const auto& [name, property] : properties->items())
            collectCodeSets(property, common, path.empty() ? name : path + "/" + name, fields);
    }
    if (auto items = schema.find("items"); items != schema.end())
        collectCodeSets(*items, common, path + "/*", fields);
}

/// Every leaf of `value` by its path (no leading slash), the provenance left out.
void flatten(const nlohmann::json& value, const std::string& path,
             std::map<std::string, const nlohmann::json*>& leaves) {
    if (value.is_object()) {
        for (const auto& [name, member] : value.items()) {
            if (path.empty() && name == "provenance") continue;
            flatten(member, path.empty() ? name : path + "/" + name, leaves);
        }
    } else if (value.is_array() && !value.empty()) {
        for (std::size_t i = 0; i < value.size(); ++i)
            flatten(value[i], path + "/" + std::to_string(i), leaves);
    } else {
        leaves[path] = &value;
    }
}

/// `path` with each array index replaced by `*`.
std::string fieldOf(const std::string& path) {
    std::string field;
    std::size_t start = 0;
    while (start <= path.size()) {
        auto end = path.find('/', start);
        if (end == std::string::npos) end = path.size();
        std::string part = path.substr(start, end - start);
        bool index = !part.empty() && part.find_first_not_of("0123456789") == std::string::npos;
        field += (field.empty() ? "" : "/") + (index ? std::string("*") : part);
        start = end + 1;
    }
    return field;
}

std::string shown(const nlohmann::json* value) {
    if (!value) return "(none)";
    return value->is_string() ? value->get<std::string>() : value->dump();
}

}  // namespace

std::map<std::string, std::set<std::string>> codeSetFields(const std::string& schemaDirectory) {
    nlohmann::json common = readJsonFile(schemaDirectory + "/common.schema.json");
    std::map<std::string, std::set<std::string>> fields;
    for (Poco::DirectoryIterator it(schemaDirectory), end; it != end; ++it) {
        const std::string& name = it.name();
        if (!Poco::endsWith(name, std::string(".schema.json")) || name == "common.schema.json")
            continue;
        nlohmann::json schema = readJsonFile(it.path().toString());
        auto entity = schema.value("/properties/entity/const"_json_pointer, std::string());
        if (entity.empty()) continue;
        collectCodeSets(schema, common, "", fields[entity]);
    }
    return fields;
}

void ChangeReport::countRejected(const Rejection& rejection, bool before) {
    count(before ? Outcome::StillRejected : Outcome::NewlyRejected);
    auto& counts = rejects_[{rejection.rule, rejection.field}];
    ++(before ? counts.still : counts.newly);
}

void ChangeReport::compare(const std::string& entity, const nlohmann::json& before,
                           const nlohmann::json& after) {
    std::map<std::string, const nlohmann::json*> was, is;
    flatten(before, "", was);
    flatten(after, "", is);
    std::set<std::string> paths;
    for (const auto& [path, value] : was) paths.insert(path);
    for (const auto& [path, value] : is) paths.insert(path);
    const auto& codes = codeSets_[entity];
    std::set<std::string> changedFields;
    for (const auto& path : paths) {
        auto old = was.find(path), now = is.find(path);
        const nlohmann::json* from = old == was.end() ? nullptr : old->second;
        const nlohmann::json* to = now == is.end() ? nullptr : now->second;
        if (from && to && *from == *to) continue;
        std::string field = fieldOf(path);
        auto& changes = fields_[{entity, field}];
        if (changedFields.insert(field).second) ++changes.records;
        if (codes.count(field)) ++changes.transitions[{shown(from), shown(to)}];
    }
}

nlohmann::json ChangeReport::toJson() const {
    nlohmann::json report = about_;
    nlohmann::json counts = nlohmann::json::object();
    for (auto outcome : {Outcome::NewlyStored, Outcome::Changed, Outcome::Unchanged,
                         Outcome::NewlyRejected, Outcome::StillRejected}) {
        auto found = outcomes_.find(outcome);
        counts[outcomeName(outcome)] = found == outcomes_.end() ? 0 : found->second;
    }
    report["sourceRecords"] = counts;
    nlohmann::json fields = nlohmann::json::array();
    for (const auto& [key, changes] : fields_) {
        nlohmann::json field{
            {"entity", key.first}, {"field", key.second}, {"records", changes.records}};
        if (!changes.transitions.empty()) {
            field["transitions"] = nlohmann::json::array();
            for (const auto& [values, times] : changes.transitions)
                field["transitions"].push_back(
                    {{"from", values.first}, {"to", values.second}, {"records", times}});
        }
        fields.push_back(std::move(field));
    }
    report["changedFields"] = fields;
    nlohmann::json rejects = nlohmann::json::array();
    for (const auto& [key, counted] : rejects_) {
        rejects.push_back({{"rule", key.first},
                           {"field", key.second},
                           {"newlyRejected", counted.newly},
                           {"stillRejected", counted.still}});
    }
    report["rejects"] = rejects;
    return report;
}

void printChangeReport(const nlohmann::json& report, std::ostream& out) {
    const auto& mapping = report.at("mapping");
    out << (report.value("dryRun", false) ? "Dry run: nothing was stored.\n" : "")
        << "Re-run of transfer " << report.at("reprocessOf").get<std::int64_t>();
    if (report.contains("transfer"))
        out << " as transfer " << report.at("transfer").get<std::int64_t>();
    out << " (source " << report.value("source", "") << ", input " << report.value("input", "")
        << ")\nMapping " << mapping.value("name", "") << ": version "
        << mapping.value("before", std::string("not recorded")) << " before, "
        << mapping.value("after", "") << " now\n\nSource records\n";
    const auto& counts = report.at("sourceRecords");
    for (const auto& [label, key] :
         std::vector<std::pair<std::string, std::string>>{{"newly stored", "newlyStored"},
                                                          {"changed", "changed"},
                                                          {"unchanged", "unchanged"},
                                                          {"newly rejected", "newlyRejected"},
                                                          {"still rejected", "stillRejected"}}) {
        out << "  " << label << ": " << counts.value(key, 0L) << "\n";
    }
    if (!report.at("changedFields").empty()) out << "\nChanged fields (records)\n";
    for (const auto& field : report.at("changedFields")) {
        out << "  " << field.value("entity", "") << " " << field.value("field", "") << ": "
            << field.value("records", 0L) << "\n";
        for (const auto& transition : field.value("transitions", nlohmann::json::array())) {
            out << "    " << transition.value("from", "") << " \u2192 "
                << transition.value("to", "") << ", " << transition.value("records", 0L) << "\n";
        }
    }
    if (!report.at("rejects").empty()) out << "\nRejects by rule and field (newly, still)\n";
    for (const auto& reject : report.at("rejects")) {
        std::string field = reject.value("field", "");
        out << "  " << reject.value("rule", "") << (field.empty() ? "" : " " + field) << ": "
            << reject.value("newlyRejected", 0L) << ", " << reject.value("stillRejected", 0L)
            << "\n";
    }
}

}  // namespace gw
