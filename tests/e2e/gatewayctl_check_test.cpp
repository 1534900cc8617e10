// gatewayctl check: the dry run IT staff read before a cut-over.
#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "process.h"

namespace gw::test {
namespace {

const std::string kRoot = GATEWAY_SOURCE_DIR;

TEST(GatewayctlCheck, ReportsRejectsUnmappedCodesAndUnfilledFieldsAndStoresNothing) {
    ProcessResult run = runProcess(
        GATEWAYCTL_PATH,
        {"check", "--json", "--mapping", kRoot + "/mappings/nokia.json", sampleExport("nokia")});
    EXPECT_EQ(run.exitCode, 1) << run.err;
    auto report = nlohmann::json::parse(run.out);
    auto expected = expectedRejects(kRoot + "/samples/nokia");
    EXPECT_EQ(report["read"].get<long>(), sampleRows(sampleExport("nokia")));
    EXPECT_EQ(report["rejected"].get<std::size_t>(), expected.size());
    EXPECT_EQ(report["wouldPass"].get<long>() + report["rejected"].get<long>(),
              report["read"].get<long>());

    std::map<std::string, long> byRule;
    for (const auto& group : report["rejects"]) {
        byRule[group["rule"].get<std::string>()] += group["count"].get<long>();
        EXPECT_FALSE(group["examples"].empty());
    }
    for (const auto& reject : expected) EXPECT_EQ(byRule[reject.rule], 1) << reject.rule;
    ASSERT_TRUE(report["unmappedCodes"].contains("services"));
    EXPECT_EQ(report["unmappedCodes"]["services"][0]["code"], "Päivätoiminta");
    auto unfilled = report["regionalFieldsNeverFilled"]["service_episode"];
    EXPECT_NE(std::find(unfilled.begin(), unfilled.end(), "hoursPerWeek"), unfilled.end())
        << "the Effica export has no weekly hours";
    EXPECT_TRUE(report["sourceFieldsNeverUsed"].empty());
}

TEST(GatewayctlCheck, ListsSourceFieldsTheMappingNeverReadsAndUnmappedCodesByFrequency) {
    Poco::TemporaryFile input;
    std::ofstream(input.path())
        << "id,henkilotunnus,kotikunta,palvelukoodi,tuottaja,toimipiste,tuottajalaji,ohjaus,"
           "alkaa,paattyy,tavoitteet,palaute,viikkotunnit,muistiinpano\r\n"
           "A1,131052-308T,020,KTT,K,,1,TE,1.2.2021,,ei,ei,8,x\r\n"
           "A2,131052-308T,020,KTT,K,,1,XX,1.2.2021,,ei,ei,8,x\r\n"
           "A3,131052-308T,020,KTT,K,,1,YY,1.2.2021,,ei,ei,8,x\r\n"
           "A4,131052-308T,020,KTT,K,,1,YY,1.2.2021,,ei,ei,8,x\r\n";
    ProcessResult run = runProcess(GATEWAYCTL_PATH, {"check", "--json", "--mapping",
                                                     kRoot + "/mappings/akaa.json", input.path()});
    EXPECT_EQ(run.exitCode, 0) << "unmapped referral sources become 'other' with a warning: "
                               << run.err;
    auto report = nlohmann::json::parse(run.out);
    EXPECT_EQ(report["sourceFieldsNeverUsed"], nlohmann::json::array({"muistiinpano"}));
    auto codes = report["unmappedCodes"]["referral-sources"];
    ASSERT_EQ(codes.size(), 2u);
    EXPECT_EQ(codes[0]["code"], "YY") << "most frequent first";
    EXPECT_EQ(codes[0]["count"], 2);
    EXPECT_EQ(codes[1]["code"], "XX");

    ProcessResult text = runProcess(
        GATEWAYCTL_PATH, {"check", "--mapping", kRoot + "/mappings/akaa.json", input.path()});
    EXPECT_NE(text.out.find("source fields never used: muistiinpano"), std::string::npos)
        << text.out;
    EXPECT_EQ(runProcess(GATEWAYCTL_PATH, {"check", input.path()}).exitCode, 2)
        << "--mapping is required";
}

/// The dry run of a JSON export whose records hold several work placements, through `mapping`,
/// and its exit status.
std::pair<nlohmann::json, int> checkPlacements(const std::string& mapping) {
    Poco::TemporaryFile input;
    std::ofstream(input.path()) << R"({"data": {"palvelujaksot": [
        {"id": "V1", "asiakas": {"hetu": "131052-308T", "kotikunta": "936"}, "palvelu": "kuntouttava_tyotoiminta",
         "tuottaja": {"nimi": "Paja", "tyyppi": "oma"}, "ohjaus": "te", "alkupvm": "20210301", "loppupvm": null,
         "tavoitteet_asetettu": true, "palaute_kirjoitettu": false, "viikkotunnit": 10,
         "tyomuodot": [{"tyyppi": "avotyo", "alku": "20210301"},
                       {"tyyppi": "palkkatyo", "alku": "20210901"},
                       {"tyyppi": "tyokokeilu", "alku": "20220101", "loppu": "20220331"}]},
        {"id": "V2", "asiakas": {"hetu": "131052-308T", "kotikunta": "936"}, "palvelu": "kuntouttava_tyotoiminta",
         "tuottaja": {"nimi": "Paja", "tyyppi": "oma"}, "ohjaus": "te", "alkupvm": "20210301", "loppupvm": null,
         "tavoitteet_asetettu": true, "palaute_kirjoitettu": false, "viikkotunnit": 10,
         "tyomuodot": []}]}})";
    ProcessResult run =
        runProcess(GATEWAYCTL_PATH, {"check", "--json", "--mapping", mapping, input.path()});
    return {nlohmann::json::parse(run.out), run.exitCode};
}

TEST(GatewayctlCheck, CountsArrayElementsAndWarnsWhenAMappingReadsOnlySomeOfThem) {
    // The bundled JSON mapping takes each placement.
    auto [each, passed] = checkPlacements(kRoot + "/mappings/virrat.json");
    EXPECT_EQ(passed, 0) << "a placement need not have every field, nor a record any placement";
    EXPECT_EQ(each["wouldPass"], 2);
    ASSERT_EQ(each["arrays"].size(), 1u) << each.dump();
    EXPECT_EQ(each["arrays"][0]["path"], "/tyomuodot");
    EXPECT_EQ(each["arrays"][0]["elements"], 3);
    EXPECT_EQ(each["arrays"][0]["mostInOneRecord"], 3);
    EXPECT_EQ(each["arrays"][0]["read"], "every element");
    EXPECT_TRUE(each["warnings"].empty());
    EXPECT_TRUE(each["sourceFieldsNeverUsed"].empty()) << "element fields as /tyomuodot/*/...";

    // A mapping that reads the first placement only is told what it leaves out.
    Poco::TemporaryFile folder;
    Poco::File(folder.path()).createDirectories();
    std::string first = readFile(kRoot + "/mappings/base/abilita-json.json");
    auto spec = nlohmann::json::parse(first);
    for (auto& entity : spec["entities"]) {
        if (entity["entity"] != "work_placement") continue;
        entity.erase("each");
        for (auto& [target, field] : entity["fields"].items()) {
            if (field.contains("column") && field["column"].get<std::string>().rfind("./", 0) == 0)
                field["column"] = "/tyomuodot/0/" + field["column"].get<std::string>().substr(2);
            if (field.contains("columns"))
                field["columns"] = {"/id", "/tyomuodot/0/tyyppi", "/tyomuodot/0/alku"};
        }
    }
    for (auto& [name, table] : spec["codeTables"].items())
        table["file"] = kRoot + "/mappings/codes/" + table["file"].get<std::string>().substr(9);
    spec["mapping"] = "virrat-first";
    spec["municipality"] = "936";
    std::ofstream(folder.path() + "/first.json") << spec.dump(2);
    auto only = checkPlacements(folder.path() + "/first.json").first;
    EXPECT_EQ(only["arrays"][0]["read"], "only /tyomuodot/0");
    ASSERT_EQ(only["warnings"].size(), 1u);
    EXPECT_NE(only["warnings"][0].get<std::string>().find("up to 3 elements"), std::string::npos)
        << only["warnings"][0];
}

}  // namespace
}  // namespace gw::test
