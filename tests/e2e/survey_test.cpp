// The regional model answers the 2021 survey from records: gatewayd --run-once on the samples of
// the survey municipalities, then gatewayctl report placements, checked cell by cell against the
// survey's table (scripts/survey-2021-placements.csv, copied from shared/domain/survey-2021.md).
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "process.h"

namespace gw::test {
namespace {

using Table = std::map<std::string, std::map<std::string, long>>;

Table surveyTable() {
    std::ifstream file(std::string(GATEWAY_SOURCE_DIR) + "/scripts/survey-2021-placements.csv");
    std::string line;
    std::getline(file, line);
    std::vector<std::string> columns;
    std::istringstream header(line);
    for (std::string column; std::getline(header, column, ';');) columns.push_back(column);
    Table table;
    while (std::getline(file, line)) {
        std::istringstream cells(line);
        std::string municipality, cell;
        std::getline(cells, municipality, ';');
        for (std::size_t i = 1; std::getline(cells, cell, ';'); ++i)
            table[municipality][columns[i]] = std::stol(cell);
    }
    return table;
}

TEST(Survey2021, ThePlacementsReportReproducesTheSurveyTableCellByCell) {
    GatewayWorkspace workspace(surveyMunicipalities(), {{"logging.level", "warning"}});
    ProcessResult run =
        runProcess(GATEWAYD_PATH, {"--config", workspace.configFile(), "--run-once"});
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;

    ProcessResult report = runProcess(
        GATEWAYCTL_PATH, {"report", "placements", "--config", workspace.configFile(), "--json"});
    ASSERT_EQ(report.exitCode, 0) << report.err;
    Table reported;
    for (const auto& row : nlohmann::json::parse(report.out)) {
        for (const auto& [key, value] : row.items()) {
            if (key != "municipality")
                reported[row["municipality"].get<std::string>()][key] = value.get<long>();
        }
    }

    Table survey = surveyTable();
    ASSERT_EQ(survey.size(), 7u);
    ASSERT_EQ(reported.size(), survey.size());
    for (const auto& [municipality, cells] : survey) {
        ASSERT_EQ(reported.count(municipality), 1u) << municipality;
        for (const auto& [placement, clients] : cells) {
            EXPECT_EQ(reported[municipality][placement], clients)
                << municipality << " " << placement;
        }
        EXPECT_EQ(reported[municipality].size(), cells.size())
            << "no placement type beyond the survey's";
    }

    ProcessResult table =
        runProcess(GATEWAYCTL_PATH, {"report", "placements", "--config", workspace.configFile()});
    EXPECT_EQ(table.exitCode, 0);
    EXPECT_NE(table.out.find("837 Tampere"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("Avotyötoiminta"), std::string::npos);

    ProcessResult services =
        runProcess(GATEWAYCTL_PATH, {"report", "services", "--config", workspace.configFile(),
                                     "--as-of", "2022-12-31", "--json"});
    ASSERT_EQ(services.exitCode, 0) << services.err;
    auto rows = nlohmann::json::parse(services.out);
    ASSERT_FALSE(rows.empty());
    for (const auto& row : rows) {
        EXPECT_LE(row["activeEpisodes"].get<long>(), row["episodes"].get<long>());
        EXPECT_TRUE(row.contains("medianEpisodeDays") && row.contains("plansOverdueForReview"));
    }
}

/// How many rows a query over a workspace's store counts.
long countIn(const GatewayWorkspace& workspace, const std::string& query) {
    ProcessResult counted = runProcess("/usr/bin/sqlite3", {workspace.database(), query});
    EXPECT_EQ(counted.exitCode, 0) << counted.err;
    return std::stol(counted.out);
}

// Regional client ids that stand for people in more than one municipality.
const char* kLinkedAcrossMunicipalities =
    "SELECT COUNT(*) FROM (SELECT source_record_id FROM records WHERE entity = 'client' "
    "GROUP BY source_record_id HAVING COUNT(DISTINCT municipality) > 1)";
// Pairs of client records whose codes differ in the century sign alone: (all pairs, those that
// share a regional client id).
const char* kNamesakePairs =
    "SELECT COUNT(*), COALESCE(SUM(a.source_record_id = b.source_record_id), 0) FROM"
    " (SELECT source_record_id, json_extract(body, '$.client.identityCode') AS code FROM records"
    "  WHERE entity = 'client') a JOIN"
    " (SELECT source_record_id, json_extract(body, '$.client.identityCode') AS code FROM records"
    "  WHERE entity = 'client') b"
    " ON substr(a.code, 1, 6) = substr(b.code, 1, 6) AND substr(a.code, 8) = substr(b.code, 8)"
    " AND substr(a.code, 7, 1) < substr(b.code, 7, 1)";

TEST(Survey2021, OnePersonInTwoMunicipalitiesHasOneRegionalClientIdAndANamesakeHasAnother) {
    // The samples hold test codes (900-999), which only the demo's identity mode links.
    GatewayWorkspace workspace({"ikaalinen", "tampere"}, {{"logging.level", "warning"},
                                                          {"identity.linkTemporaryCodes", "true"}});
    ASSERT_EQ(
        runProcess(GATEWAYD_PATH, {"--config", workspace.configFile(), "--run-once"}).exitCode, 0);
    EXPECT_GE(countIn(workspace, kLinkedAcrossMunicipalities), 1)
        << "the samples move people from Ikaalinen to Tampere";
    ProcessResult namesakes =
        runProcess("/usr/bin/sqlite3", {workspace.database(), kNamesakePairs});
    ASSERT_EQ(namesakes.exitCode, 0) << namesakes.err;
    EXPECT_GE(std::stol(namesakes.out), 1) << "the samples hold people told apart by the sign";
    EXPECT_EQ(namesakes.out.substr(namesakes.out.find('|') + 1), "0\n")
        << "two codes that differ in the century sign alone are two people";
}

TEST(Survey2021, InProductionModeTemporaryCodesAreNeverLinkedAcrossMunicipalities) {
    GatewayWorkspace workspace({"ikaalinen", "tampere"}, {{"logging.level", "warning"}});
    ASSERT_EQ(
        runProcess(GATEWAYD_PATH, {"--config", workspace.configFile(), "--run-once"}).exitCode, 0);
    EXPECT_EQ(countIn(workspace, kLinkedAcrossMunicipalities), 0);
    EXPECT_GT(countIn(workspace, "SELECT COUNT(*) FROM record_heads WHERE entity = 'client'"), 0);
}

TEST(Report, UnknownReportsAndMissingConfigurationAreUsageErrors) {
    EXPECT_EQ(runProcess(GATEWAYCTL_PATH, {"report", "placements"}).exitCode, 2);
    GatewayWorkspace workspace({"kihnio"});
    EXPECT_EQ(
        runProcess(GATEWAYCTL_PATH, {"report", "nonsense", "--config", workspace.configFile()})
            .exitCode,
        2);
    EXPECT_EQ(runProcess(GATEWAYCTL_PATH, {"report", "services", "--config", workspace.configFile(),
                                           "--as-of", "31.12.2022"})
                  .exitCode,
              2);
}

}  // namespace
}  // namespace gw::test
