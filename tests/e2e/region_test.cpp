// The region: every municipality's sample maps with no rejects but its deliberately dirty
// records, each rejected by the rule it breaks; and a new municipality needs only data files.
#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "process.h"

namespace gw::test {
namespace {

const std::string kRoot = GATEWAY_SOURCE_DIR;

std::vector<ExpectedReject> rejectsOf(const std::string& ndjsonFile) {
    std::vector<ExpectedReject> rejects;
    std::ifstream file(ndjsonFile);
    for (std::string line; std::getline(file, line);) {
        auto reject = nlohmann::json::parse(line);
        rejects.push_back({reject["position"]["line"].get<long>(),
                           reject["position"]["record"].get<long>(),
                           reject["rule"].get<std::string>(), reject.value("field", "")});
    }
    return rejects;
}

class EveryMunicipality : public ::testing::TestWithParam<std::string> {};

TEST_P(EveryMunicipality, MapsWithNoRejectsButTheDeliberatelyDirtyRecords) {
    const std::string& municipality = GetParam();
    Poco::TemporaryFile rejects;
    ProcessResult run = runProcess(
        GATEWAYCTL_PATH, {"map", "--mapping", kRoot + "/mappings/" + municipality + ".json",
                          "--rejects", rejects.path(), sampleExport(municipality)});
    ASSERT_NE(run.exitCode, 2) << run.err;
    auto expected = expectedRejects(kRoot + "/samples/" + municipality);
    EXPECT_GE(expected.size(), 4u) << "each sample holds dirty records";
    EXPECT_EQ(rejectsOf(rejects.path()), expected);
    EXPECT_FALSE(run.out.empty()) << "the clean records are mapped";
}

INSTANTIATE_TEST_SUITE_P(Samples, EveryMunicipality, ::testing::ValuesIn(sampleMunicipalities()),
                         [](const auto& info) {
                             std::string name = info.param;
                             for (char& c : name) {
                                 if (c == '-') c = '_';
                             }
                             return name;
                         });

TEST(Region, EveryMunicipalityOfPirkanmaaAndRovaniemiHasASampleAndAMapping) {
    std::ifstream codes(kRoot + "/schemas/v1/codes/municipality.csv");
    std::string line;
    std::getline(codes, line);
    std::set<std::string> mapped;
    for (const auto& municipality : sampleMunicipalities()) {
        auto mapping =
            nlohmann::json::parse(std::ifstream(kRoot + "/mappings/" + municipality + ".json"));
        mapped.insert(mapping["municipality"].get<std::string>());
    }
    int count = 0;
    while (std::getline(codes, line)) {
        std::string code = line.substr(0, 3);
        EXPECT_EQ(mapped.count(code), 1u) << "municipality " << code;
        ++count;
    }
    EXPECT_EQ(count, 24);
}

TEST(Region, ANewMunicipalityIsAMappingFileAndACodeTable) {
    // A municipality the gateway has never seen, on the legacy CSV system but with its own
    // service codes: only a mapping file extending the shared base and its own code table.
    Poco::TemporaryFile folder;
    Poco::File(folder.path()).createDirectories();
    std::ofstream(folder.path() + "/services.csv")
        << "local;regional\nKUNTO;rehabilitative_work_activity\n"
           "SOS;social_rehabilitation\n";
    std::ofstream(folder.path() + "/uusikunta.json")
        << nlohmann::json({{"extends", kRoot + "/mappings/base/legacy-csv.json"},
                           {"mapping", "uusikunta"},
                           {"municipality", "999"},
                           {"codeTables", {{"services", {{"file", "services.csv"}}}}}})
               .dump(2);
    std::ofstream(folder.path() + "/export.csv")  // in Windows-1252, as the legacy system writes
        << "id,henkilotunnus,kotikunta,palvelukoodi,tuottaja,toimipiste,tuottajalaji,ohjaus,alkaa,"
           "paattyy,"
           "tavoitteet,palaute,viikkotunnit\r\n"
           "U1,131052-308t,999,KUNTO,Kaupunki,Keskus,1,TE,1.2.2021,,kyll\xe4,ei,\"12,5\"\r\n"
           "U2,010594Y9021,999,SOS,S\xe4\xe4ti\xf6,,2,KELA,01.03.2020,31.12.2021,ei,kyll\xe4,8\r\n"
           "U3,010594Y9021,999,KTT,S\xe4\xe4ti\xf6,,2,KELA,01.03.2020,,ei,ei,8\r\n";
    Poco::TemporaryFile rejects;
    ProcessResult run =
        runProcess(GATEWAYCTL_PATH, {"map", "--mapping", folder.path() + "/uusikunta.json",
                                     "--rejects", rejects.path(), folder.path() + "/export.csv"});
    EXPECT_EQ(run.exitCode, 1) << run.err;
    std::vector<nlohmann::json> episodes;
    std::istringstream out(run.out);
    for (std::string line; std::getline(out, line);) {
        auto record = nlohmann::json::parse(line);
        if (record["entity"] == "service_episode") episodes.push_back(record);
    }
    ASSERT_EQ(episodes.size(), 2u);
    EXPECT_EQ(episodes[0]["organiserMunicipality"], "999");
    EXPECT_EQ(episodes[0]["serviceType"], "rehabilitative_work_activity");
    EXPECT_EQ(episodes[0]["client"]["identityCode"], "131052-308T");
    EXPECT_EQ(episodes[0]["hoursPerWeek"], 12.5);
    EXPECT_EQ(episodes[0]["producer"]["name"], "Kaupunki / Keskus");
    EXPECT_EQ(episodes[1]["producer"]["name"], "Säätiö") << "an empty second column adds nothing";
    auto rejected = rejectsOf(rejects.path());
    ASSERT_EQ(rejected.size(), 1u) << "KTT is not in this municipality's own table";
    EXPECT_EQ(rejected[0].rule, "map.code-unmapped");
    EXPECT_EQ(rejected[0].line, 4);
}

}  // namespace
}  // namespace gw::test
