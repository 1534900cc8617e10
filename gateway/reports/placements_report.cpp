#include "gateway/reports/placements_report.h"

#include <map>
#include <set>

#include "gateway/validation/code_set.h"

namespace gw {

nlohmann::json PlacementsReport::compute(Store& store, const ReportContext& context) const {
    // municipality -> placement type -> distinct clients
    std::map<std::string, std::map<std::string, std::set<std::string>>> clients;
    store.scanCurrent("work_placement", [&](const nlohmann::json& placement) {
        clients[placement.at("organiserMunicipality").get<std::string>()]
               [placement.at("placementType").get<std::string>()]
                   .insert(placement.at("client").at("clientId").get<std::string>());
    });
    CodeSet types = CodeSet::load(context.codeDirectory, "placement-type");
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [municipality, byType] : clients) {
        nlohmann::json row{{"municipality", municipality}};
        for (const auto& type : types.codes()) {
            auto found = byType.find(type.code);
            row[type.code] = found == byType.end() ? 0 : found->second.size();
        }
        rows.push_back(std::move(row));
    }
    return rows;
}

void PlacementsReport::print(const nlohmann::json& rows, const ReportContext& context,
                             std::ostream& out) const {
    CodeSet types = CodeSet::load(context.codeDirectory, "placement-type");
    CodeSet municipalities = CodeSet::load(context.codeDirectory, "municipality");
    std::vector<std::vector<std::string>> table{{"kunta"}};
    for (const auto& type : types.codes()) table[0].push_back(type.finnish);
    for (const auto& row : rows) {
        std::string code = row["municipality"].get<std::string>();
        std::vector<std::string> line{code + " " + municipalities.finnish(code)};
        for (const auto& type : types.codes())
            line.push_back(std::to_string(row[type.code].get<long>()));
        table.push_back(std::move(line));
    }
    printColumns(table, out);
}

}  // namespace gw
