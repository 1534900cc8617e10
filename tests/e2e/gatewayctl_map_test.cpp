// gatewayctl map: the offline tool IT staff use to try a mapping.
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "process.h"

namespace gw::test {
namespace {

const std::string kRoot = GATEWAY_SOURCE_DIR;
const std::string kSampleFolder = kRoot + "/samples/nokia";
const std::string kMapping = kRoot + "/mappings/nokia.json";
const std::string kLink = "--link-temporary-codes";

// The source lines that the NDJSON records on stdout came from.
std::set<long> sourceLines(const std::string& ndjson) {
    std::set<long> lines;
    std::istringstream records(ndjson);
    for (std::string line; std::getline(records, line);) {
        lines.insert(nlohmann::json::parse(line)["provenance"]["line"].get<long>());
    }
    return lines;
}

TEST(GatewayctlMap, PrintsRegionalRecordsAndWritesRejectsWithExit1) {
    Poco::TemporaryFile rejects;
    ProcessResult run =
        runProcess(GATEWAYCTL_PATH, {"map", kLink, "--mapping", kMapping, "--rejects",
                                     rejects.path(), kSampleFolder + "/asiakastiedot.csv"});
    EXPECT_EQ(run.exitCode, 1) << run.err;
    auto expected = expectedRejects(kSampleFolder);
    const long rows = sampleRows(kSampleFolder + "/asiakastiedot.csv");
    EXPECT_EQ(static_cast<long>(sourceLines(run.out).size()),
              rows - static_cast<long>(expected.size()))
        << "every row but the rejected ones makes regional records";

    std::ifstream rejectLines(rejects.path());
    std::string line;
    std::vector<ExpectedReject> found;
    while (std::getline(rejectLines, line)) {
        auto reject = nlohmann::json::parse(line);
        found.push_back({reject["position"]["line"].get<long>(),
                         reject["position"]["record"].get<long>(),
                         reject["rule"].get<std::string>()});
        EXPECT_TRUE(reject.contains("stage") && reject.contains("field") &&
                    reject.contains("message"));
    }
    EXPECT_EQ(found, expected);
    EXPECT_NE(run.err.find("rejected " + std::to_string(expected.size())), std::string::npos)
        << run.err;

    auto first = nlohmann::json::parse(run.out.substr(0, run.out.find('\n')));
    EXPECT_EQ(first["entity"], "client") << "each row names its client first";
    EXPECT_TRUE(first["client"].contains("clientId"));
    EXPECT_EQ(first["provenance"]["mapping"], "nokia");
}

TEST(GatewayctlMap, ExitsZeroWhenNothingIsRejected) {
    Poco::TemporaryFile input;
    std::ifstream sample(kSampleFolder + "/asiakastiedot.csv");
    std::ofstream clean(input.path());
    std::string line;
    for (int i = 0; i < 10 && std::getline(sample, line); ++i) clean << line << "\n";
    clean.close();
    ProcessResult run =
        runProcess(GATEWAYCTL_PATH, {"map", kLink, "--mapping", kMapping, input.path()});
    EXPECT_EQ(run.exitCode, 0) << run.err;
    EXPECT_EQ(sourceLines(run.out).size(), 9u);
}

TEST(GatewayctlMap, UsageAndConfigurationErrorsExitTwo) {
    EXPECT_EQ(runProcess(GATEWAYCTL_PATH, {"map", kSampleFolder + "/asiakastiedot.csv"}).exitCode,
              2)
        << "--mapping is required";
    EXPECT_EQ(
        runProcess(GATEWAYCTL_PATH, {"map", "--mapping", "/nonexistent.json", "x.csv"}).exitCode,
        2);
    EXPECT_EQ(
        runProcess(GATEWAYCTL_PATH, {"map", "--mapping", kMapping, "/nonexistent.csv"}).exitCode,
        2);
    EXPECT_EQ(runProcess(GATEWAYCTL_PATH, {"map", "--mapping", kMapping}).exitCode, 2);
    EXPECT_EQ(runProcess(GATEWAYCTL_PATH, {"frobnicate"}).exitCode, 2);
    EXPECT_EQ(runProcess(GATEWAYCTL_PATH, {}).exitCode, 2);
    ProcessResult help = runProcess(GATEWAYCTL_PATH, {"map", "--help"});
    EXPECT_EQ(help.exitCode, 0);
    EXPECT_NE(help.out.find("--rejects"), std::string::npos);
}

}  // namespace
}  // namespace gw::test
