// gatewayd --run-once on the bundled Nokia sample, checked against what the generator meant.
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "process.h"

using namespace Poco::Data::Keywords;

namespace gw::test {
namespace {

const std::string kSampleFolder = std::string(GATEWAY_SOURCE_DIR) + "/samples/nokia";
const std::string kSample = kSampleFolder + "/palvelujaksot.csv";

class RunOnce : public ::testing::Test {
  protected:
    static void SetUpTestSuite() { Poco::Data::SQLite::Connector::registerConnector(); }

    ProcessResult runOnce() {
        return runProcess(GATEWAYD_PATH, {"--config", workspace_.configFile(), "--run-once"});
    }

    long count(const std::string& sql) {
        Poco::Data::Session session("SQLite", workspace_.database());
        long n = 0;
        session << sql, into(n), now;
        return n;
    }

    GatewayWorkspace workspace_{kSample};
};

TEST_F(RunOnce, StoresTheGoodRowsAndQuarantinesTheDirtyOnesWithLineAndRule) {
    ProcessResult run = runOnce();
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;

    const long rows = sampleRows(kSample);
    auto expected = expectedRejects(kSampleFolder);
    ASSERT_FALSE(expected.empty());
    const long good = rows - static_cast<long>(expected.size());
    EXPECT_NE(run.out.find("read " + std::to_string(rows) + ", stored " + std::to_string(good) +
                           ", unchanged 0, rejected " + std::to_string(expected.size())),
              std::string::npos)
        << run.out;

    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), good);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records WHERE entity = 'service_episode'"), good);

    Poco::Data::Session session("SQLite", workspace_.database());
    std::vector<long> lines, records;
    std::vector<std::string> rules;
    session << "SELECT line, record_number, rule FROM quarantine ORDER BY record_number",
        into(lines), into(records), into(rules), now;
    std::vector<ExpectedReject> quarantined;
    for (std::size_t i = 0; i < lines.size(); ++i)
        quarantined.push_back({lines[i], records[i], rules[i]});
    std::sort(expected.begin(), expected.end());
    EXPECT_EQ(quarantined, expected);

    for (const auto& reject : expected) {
        // The rows around a bad one are stored.
        for (long neighbour : {reject.line - 1, reject.line + 1}) {
            if (neighbour < 2 || neighbour > rows + 1) continue;
            EXPECT_EQ(count("SELECT COUNT(*) FROM records WHERE json_extract(body, "
                            "'$.provenance.line') = " +
                            std::to_string(neighbour)),
                      1)
                << "line " << neighbour << " next to the bad line " << reject.line;
        }
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM transfers WHERE state = 'succeeded' AND records_read = " +
                    std::to_string(rows)),
              1);
}

TEST_F(RunOnce, TheSameExportTwiceStoresNothingNew) {
    ASSERT_EQ(runOnce().exitCode, 0);
    long stored = count("SELECT COUNT(*) FROM records");
    ProcessResult second = runOnce();
    ASSERT_EQ(second.exitCode, 0) << second.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), stored);
    EXPECT_NE(second.out.find("stored 0, unchanged " + std::to_string(stored)), std::string::npos)
        << second.out;
}

TEST_F(RunOnce, NoIdentityCodeAppearsInTheLogOrOnTheConsole) {
    ProcessResult run = runOnce();
    ASSERT_EQ(run.exitCode, 0);
    std::string log = readFile(workspace_.logFile());
    ASSERT_NE(log.find("quarantined"), std::string::npos)
        << "debug logging should describe rejects";

    std::ifstream sample(kSample);
    std::string row;
    std::getline(sample, row);
    int checked = 0;
    while (std::getline(sample, row)) {
        std::string code = row.substr(row.find(';') + 1, 11);
        ASSERT_EQ(code.size(), 11u);
        ASSERT_EQ(log.find(code), std::string::npos)
            << "line of the log shows " << code.substr(0, 7) << "****";
        ASSERT_EQ(run.out.find(code), std::string::npos);
        ASSERT_EQ(run.err.find(code), std::string::npos);
        ++checked;
    }
    EXPECT_EQ(checked, sampleRows(kSample));
    EXPECT_TRUE(std::regex_search(log, std::regex("[0-9]{6}[-A-FU-Y]\\*\\*\\*\\*")))
        << "masked codes are shown";
}

TEST(RunOnceFailure, AMissingExportFailsTheTransferAndTheExitCode) {
    GatewayWorkspace workspace("/nonexistent/export.csv");
    ProcessResult run =
        runProcess(GATEWAYD_PATH, {"--config", workspace.configFile(), "--run-once"});
    EXPECT_NE(run.exitCode, 0);
    EXPECT_NE(run.out.find("failed"), std::string::npos) << run.out;
}

TEST(RunOnceFailure, ABrokenMappingStopsTheDaemonBeforeAnyDataIsRead) {
    GatewayWorkspace workspace(kSample,
                               {{"source.nokia-episodes.mapping", "/nonexistent/mapping.json"}});
    ProcessResult run =
        runProcess(GATEWAYD_PATH, {"--config", workspace.configFile(), "--run-once"});
    EXPECT_EQ(run.exitCode, 78) << "EX_CONFIG";
    EXPECT_NE((run.out + run.err + readFile(workspace.logFile())).find("mapping.json"),
              std::string::npos);
}

TEST(GatewaydUsage, HelpDescribesTheOptionsAndUnknownOptionsAreUsageErrors) {
    ProcessResult help = runProcess(GATEWAYD_PATH, {"--help"});
    EXPECT_EQ(help.exitCode, 0);
    for (const char* option : {"--config", "--run-once", "--daemon"}) {
        EXPECT_NE(help.out.find(option), std::string::npos) << option;
    }
    // ServerApplication reports option errors as configuration errors (EX_CONFIG).
    ProcessResult unknown = runProcess(GATEWAYD_PATH, {"--no-such-option"});
    EXPECT_EQ(unknown.exitCode, 78);
    EXPECT_NE(unknown.err.find("no-such-option"), std::string::npos) << unknown.err;
}

}  // namespace
}  // namespace gw::test
