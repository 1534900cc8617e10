// gatewayd --run-once on the bundled samples, checked against what the generator meant.
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <regex>

#include "adapters/csv/csv_adapter.h"
#include "process.h"

using namespace Poco::Data::Keywords;

namespace gw::test {
namespace {

const std::string kSamples = std::string(GATEWAY_SOURCE_DIR) + "/samples/";

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

    GatewayWorkspace workspace_{{"nokia"}};
};

TEST_F(RunOnce, StoresTheGoodRowsAndQuarantinesTheDirtyOnesWithLineAndRule) {
    ProcessResult run = runOnce();
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;

    const long rows = sampleRows(sampleExport("nokia"));
    auto expected = expectedRejects(kSamples + "nokia");
    ASSERT_FALSE(expected.empty());
    const long rejected = static_cast<long>(expected.size());
    EXPECT_EQ(count("SELECT records_read FROM transfers"), rows);
    EXPECT_EQ(count("SELECT records_rejected FROM transfers"), rejected);
    EXPECT_EQ(count("SELECT records_stored + records_unchanged FROM transfers"), rows - rejected)
        << "every record read is stored, unchanged or quarantined";
    EXPECT_NE(run.out.find("read " + std::to_string(rows)), std::string::npos) << run.out;

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
        // The rows around a bad one are stored (each row makes at least its client record).
        for (long neighbour : {reject.line - 1, reject.line + 1}) {
            bool alsoBad =
                std::any_of(expected.begin(), expected.end(),
                            [&](const ExpectedReject& r) { return r.line == neighbour; });
            if (neighbour < 2 || neighbour > rows + 1 || alsoBad) continue;
            EXPECT_GE(count("SELECT COUNT(*) FROM records WHERE json_extract(body, "
                            "'$.provenance.line') = " +
                            std::to_string(neighbour)),
                      1)
                << "line " << neighbour << " next to the bad line " << reject.line;
        }
    }
    EXPECT_GT(count("SELECT COUNT(*) FROM records WHERE entity = 'work_placement'"), 0);
    EXPECT_GT(count("SELECT COUNT(*) FROM records WHERE entity = 'client_plan'"), 0);
    EXPECT_GT(count("SELECT COUNT(*) FROM records WHERE entity = 'feedback'"), 0);
}

TEST_F(RunOnce, TheSameExportTwiceStoresNothingNew) {
    ASSERT_EQ(runOnce().exitCode, 0);
    long stored = count("SELECT COUNT(*) FROM records");
    ProcessResult second = runOnce();
    ASSERT_EQ(second.exitCode, 0) << second.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), stored);
    EXPECT_NE(second.out.find(", stored 0, unchanged "), std::string::npos) << second.out;
}

TEST_F(RunOnce, NoIdentityCodeOrNameAppearsInTheLogOrOnTheConsole) {
    ProcessResult run = runOnce();
    ASSERT_EQ(run.exitCode, 0);
    std::string log = readFile(workspace_.logFile());
    ASSERT_NE(log.find("quarantined"), std::string::npos)
        << "debug logging should describe rejects";
    std::string everything = log + run.out + run.err;

    std::ifstream sample(sampleExport("nokia"), std::ios::binary);
    CsvAdapter reader(sample, "sample", CsvAdapter::Options{});
    long checked = 0;
    reader.read([&](SourceRecord& row) {
        const std::string* code = row.field("HETU");
        if (!code) return true;  // the deliberately short row
        EXPECT_EQ(everything.find(*code), std::string::npos)
            << "the output shows " << code->substr(0, 7) << "****";
        for (const char* nameColumn : {"OMATYONTEKIJA", "OHJAAJA"}) {
            const std::string* name = row.field(nameColumn);
            if (name && !name->empty()) {
                EXPECT_EQ(everything.find(*name), std::string::npos) << nameColumn;
            }
        }
        ++checked;
        return true;
    });
    EXPECT_GE(checked, sampleRows(sampleExport("nokia")) - 1);
    EXPECT_TRUE(std::regex_search(log, std::regex("[0-9]{6}[-A-FU-Y]\\*\\*\\*\\*")))
        << "masked codes are shown";
}

TEST(RunOnceFailure, AMissingExportFailsTheTransferAndTheExitCode) {
    GatewayWorkspace workspace({"nokia"}, {{"source.nokia.path", "/nonexistent/export.csv"}});
    ProcessResult run =
        runProcess(GATEWAYD_PATH, {"--config", workspace.configFile(), "--run-once"});
    EXPECT_EQ(run.exitCode, 70) << "EX_SOFTWARE";
    EXPECT_NE(run.out.find("failed"), std::string::npos) << run.out;
}

TEST(RunOnceFailure, ABrokenMappingStopsTheDaemonBeforeAnyDataIsRead) {
    GatewayWorkspace workspace({"nokia"}, {{"source.nokia.mapping", "/nonexistent/mapping.json"}});
    ProcessResult run =
        runProcess(GATEWAYD_PATH, {"--config", workspace.configFile(), "--run-once"});
    EXPECT_EQ(run.exitCode, 78) << "EX_CONFIG";
    EXPECT_NE((run.out + run.err + readFile(workspace.logFile())).find("mapping.json"),
              std::string::npos);
}

TEST(GatewaydUsage, HelpDescribesTheOptionsAndUnknownOptionsAreRefused) {
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
