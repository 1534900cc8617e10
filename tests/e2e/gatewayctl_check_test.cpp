// gatewayctl check: the dry run IT staff read before a cut-over.
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

}  // namespace
}  // namespace gw::test
