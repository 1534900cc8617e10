// Re-running a transfer after a code-table fix: the dry run and the re-run report exactly what
// changed, history is kept, and an input deleted after archive.keepDays cannot be re-run.
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Session.h>
#include <Poco/File.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>

#include "gateway/core/identity_code.h"
#include "process.h"

using namespace Poco::Data::Keywords;

namespace gw::test {
namespace {

std::string mapping(const std::string& version) {
    return R"({"mapping": "reprocess-test", "version": ")" + version + R"(",
  "municipality": "536", "sourceSystem": "api",
  "input": {"format": "json", "records": "/jaksot"},
  "recordId": {"column": "/id"},
  "codeTables": {"services": {"file": "services.csv"}},
  "entities": [{"entity": "service_episode", "fields": {
    "episodeId": {"column": "/id"},
    "client.identityCode": {"column": "/hetu", "personal": true, "transform": ["identity-code"]},
    "serviceType": {"column": "/palvelu", "transform": [{"lookup": "services"}]},
    "organiserMunicipality": {"constant": "${municipality}"},
    "startDate": {"column": "/alku", "transform": [{"date": "yyyy-mm-dd"}]}}}]})";
}

// KTT stays; TT was mapped wrongly; TE was missing; SR is dropped by the fix; E9's date is bad;
// E6 comes twice.
const char* const kCodesBefore =
    "local;regional\nKTT;rehabilitative_work_activity\nTT;rehabilitative_work_activity\n"
    "SR;social_rehabilitation\n";
const char* const kCodesAfter =
    "local;regional\nKTT;rehabilitative_work_activity\nTT;supported_employment\n"
    "TE;supported_employment\n";

std::string exportOf() {
    const std::vector<std::pair<std::string, std::string>> episodes = {
        {"KTT", "2021-03-01"}, {"KTT", "2021-04-01"}, {"KTT", "2021-05-01"}, {"TT", "2021-06-01"},
        {"TT", "2021-07-01"},  {"TE", "2021-08-01"},  {"TE", "2021-09-01"},  {"TE", "2021-10-01"},
        {"KTT", "2021-02-31"}, {"SR", "2021-11-01"}};
    nlohmann::json records = nlohmann::json::array();
    for (std::size_t i = 0; i < episodes.size(); ++i) {
        records.push_back({{"id", "E" + std::to_string(i + 1)},
                           {"hetu", "131052-308T"},
                           {"palvelu", episodes[i].first},
                           {"alku", episodes[i].second}});
    }
    records.push_back(records[5]);  // E6 resent
    return nlohmann::json{{"jaksot", records}}.dump();
}

class Reprocess : public ::testing::Test {
  protected:
    Reprocess()
        : port_(freeLoopbackPort()),
          workspace_({}, {{"http.port", std::to_string(port_)},
                          {"transfers.workers", "1"},
                          {"sources", "nokia"},
                          {"source.nokia.kind", "push"},
                          {"source.nokia.dataset", "jaksot"},
                          // Until configure() writes the mapping under test.
                          {"source.nokia.mapping",
                           std::string(GATEWAY_SOURCE_DIR) + "/mappings/nokia.json"}}) {
        Poco::Data::SQLite::Connector::registerConnector();
        admin_ = workspace_.addToken("admin", "transfers:admin");
        nokia_ = workspace_.addToken("nokia", "push:536");
    }

    /// Writes the mapping and its code table, and the configuration that reads them.
    std::string configure(const std::string& version, const char* codes,
                          std::map<std::string, std::string> extra = {}) {
        std::string folder = workspace_.folder();
        std::ofstream(folder + "/mapping.json") << mapping(version);
        std::ofstream(folder + "/services.csv") << codes;
        extra["source.nokia.mapping"] = folder + "/mapping.json";
        return workspace_.writeConfig("gateway-" + version, extra);
    }

    nlohmann::json transfer(long id) {
        return nlohmann::json::parse(
            http(port_, "GET", "/v1/transfers/" + std::to_string(id), admin_).body);
    }

    bool ended(long id) {
        std::string state = transfer(id).value("state", "");
        return state != "queued" && state != "running";
    }

    ProcessResult ctl(std::vector<std::string> arguments) {
        std::string tokenFile = workspace_.folder() + "/admin.token";
        std::ofstream(tokenFile) << admin_;
        arguments.insert(arguments.begin(), "reprocess");
        arguments.insert(arguments.end(), {"--url", "http://127.0.0.1:" + std::to_string(port_),
                                           "--token-file", tokenFile});
        return runProcess(GATEWAYCTL_PATH, arguments);
    }

    long count(const std::string& sql) {
        Poco::Data::Session session("SQLite", workspace_.database());
        long n = 0;
        session << sql, into(n), now;
        return n;
    }

    /// Delivers the export through the mapping before the fix: transfer 1.
    void deliverBeforeTheFix() {
        RunningGateway gateway(configure("2026.1", kCodesBefore), port_);
        auto pushed = push(port_, "/v1/push/536/jaksot", nokia_, "application/json", exportOf());
        ASSERT_EQ(pushed.status, 202) << pushed.body;
        ASSERT_TRUE(eventually([&] { return ended(1); }));
        auto first = transfer(1);
        ASSERT_EQ(
            first["counts"],
            nlohmann::json::parse(R"({"read": 11, "stored": 6, "unchanged": 0, "rejected": 5})"))
            << first.dump();
        EXPECT_EQ(first["mappingVersion"], "2026.1");
    }

    unsigned short port_;
    GatewayWorkspace workspace_;
    std::string admin_, nokia_;
};

/// The counts every report of the fix must give: E1-E3 unchanged, E4-E5 changed, E6-E8 newly
/// stored and E6 again unchanged, E9 still rejected, E10 newly rejected.
void expectTheFix(const nlohmann::json& report) {
    EXPECT_EQ(report["sourceRecords"],
              nlohmann::json::parse(R"({"newlyStored": 3, "changed": 2, "unchanged": 4,
                                        "newlyRejected": 1, "stillRejected": 1})"))
        << report.dump(2);
    EXPECT_EQ(report["changedFields"], nlohmann::json::parse(R"([{
        "entity": "service_episode", "field": "serviceType", "records": 2,
        "transitions": [{"from": "rehabilitative_work_activity", "to": "supported_employment",
                         "records": 2}]}])"))
        << report.dump(2);
    EXPECT_EQ(report["mapping"], nlohmann::json::parse(
                                     R"({"name": "reprocess-test", "before": "2026.1",
                                         "after": "2026.2"})"));
    EXPECT_EQ(report["reprocessOf"], 1);
    EXPECT_EQ(report["read"], 11);
    long newly = 0, still = 0;
    for (const auto& reject : report["rejects"]) {
        newly += reject["newlyRejected"].get<long>();
        still += reject["stillRejected"].get<long>();
        if (reject["rule"] == "map.date") {
            EXPECT_EQ(reject["stillRejected"], 1);
        }
    }
    EXPECT_EQ(newly, 1);
    EXPECT_EQ(still, 1);
}

TEST_F(Reprocess, AfterACodeTableFixRejectsBecomeRecordsAndTheReportCountsExactly) {
    deliverBeforeTheFix();
    RunningGateway gateway(configure("2026.2", kCodesAfter), port_);

    auto dry = ctl({"--transfer", "1", "--dry-run", "--json"});
    ASSERT_EQ(dry.exitCode, 0) << dry.out << dry.err;
    auto preview = nlohmann::json::parse(dry.out);
    EXPECT_TRUE(preview["dryRun"].get<bool>());
    expectTheFix(preview);
    EXPECT_EQ(count("SELECT COUNT(*) FROM transfers"), 1) << "a dry run stores nothing";
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), 6);

    auto text = ctl({"--transfer", "1", "--dry-run"});
    ASSERT_EQ(text.exitCode, 0) << text.err;
    EXPECT_NE(text.out.find("rehabilitative_work_activity \u2192 supported_employment, 2"),
              std::string::npos)
        << text.out;
    EXPECT_NE(text.out.find("version 2026.1 before, 2026.2 now"), std::string::npos) << text.out;
    EXPECT_EQ(text.out.find("131052"), std::string::npos) << "no identity code in a report";

    auto run = ctl({"--transfer", "1", "--json"});
    ASSERT_EQ(run.exitCode, 0) << run.out << run.err;
    auto report = nlohmann::json::parse(run.out);
    EXPECT_FALSE(report["dryRun"].get<bool>());
    EXPECT_EQ(report["transfer"], 2);
    expectTheFix(report);
    auto rerun = transfer(2);
    EXPECT_EQ(rerun["reprocessOf"], 1);
    EXPECT_EQ(rerun["mappingVersion"], "2026.2");
    EXPECT_EQ(rerun["counts"],
              nlohmann::json::parse(R"({"read": 11, "stored": 5, "unchanged": 4, "rejected": 2})"));

    // History stays: E4 has both versions, each with its own transfer; E10 keeps its only one.
    EXPECT_EQ(count("SELECT COUNT(*) FROM records WHERE source_record_id = 'E4'"), 2);
    EXPECT_EQ(count("SELECT COUNT(DISTINCT transfer_id) FROM records WHERE source_record_id = "
                    "'E4'"),
              2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records WHERE source_record_id = 'E10'"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), 11);

    // Re-running the re-run reads the same input again and compares with the last run of it.
    auto again = http(port_, "POST", "/v1/transfers/2/reprocess", admin_);
    ASSERT_EQ(again.status, 202) << again.body;
    EXPECT_EQ(nlohmann::json::parse(again.body)["reprocessOf"], 1);
    ASSERT_TRUE(eventually([&] { return ended(3); }));
    auto settledAgain =
        nlohmann::json::parse(http(port_, "GET", "/v1/transfers/3/changes", admin_).body);
    EXPECT_EQ(settledAgain["sourceRecords"],
              nlohmann::json::parse(R"({"newlyStored": 0, "changed": 0, "unchanged": 9,
                                        "newlyRejected": 0, "stillRejected": 2})"));
    EXPECT_EQ(settledAgain["mapping"]["before"], "2026.2");
    EXPECT_EQ(http(port_, "GET", "/v1/transfers/1/changes", admin_).status, 404)
        << "transfer 1 re-runs nothing";
}

TEST_F(Reprocess, AnInputKeptLongerThanKeepDaysIsDeletedRecordedAndCannotBeReRun) {
    deliverBeforeTheFix();
    std::string archive = workspace_.folder() + "/var/push/archive";
    auto kept = filesIn(archive);
    ASSERT_EQ(kept.size(), 1u);
    {
        RunningGateway gateway(configure("2026.2", kCodesAfter), port_);
        auto plan = ctl({"--source", "nokia", "--dry-run", "--json"});
        ASSERT_EQ(plan.exitCode, 0) << plan.err;
        expectTheFix(nlohmann::json::parse(plan.out));
    }
    Poco::File(archive + "/" + kept[0])
        .setLastModified(Poco::Timestamp() - Poco::Timespan(31, 0, 0, 0, 0));
    RunningGateway gateway(configure("2026.2", kCodesAfter, {{"archive.keepDays", "30"}}), port_);
    ASSERT_TRUE(eventually([&] { return filesIn(archive).empty(); }));
    EXPECT_TRUE(eventually([&] { return count("SELECT COUNT(*) FROM input_deletions") == 1; }));
    // The log is written by its own thread: the line may follow the row. The file's name holds
    // a random UUID, which now and then has the shape of an identity code, and the log masks it.
    EXPECT_TRUE(eventually([&] {
        return readFile(workspace_.logFile())
                   .find(maskIdentityCodesIn(kept[0]) + ": kept for archive.keepDays = 30") !=
               std::string::npos;
    }));

    auto refused = http(port_, "POST", "/v1/transfers/1/reprocess", admin_);
    EXPECT_EQ(refused.status, 410);
    EXPECT_NE(refused.body.find("deleted at"), std::string::npos) << refused.body;
    EXPECT_NE(refused.body.find("archive.keepDays = 30"), std::string::npos) << refused.body;
    auto source = ctl({"--source", "nokia"});
    EXPECT_EQ(source.exitCode, 0) << source.err;
    EXPECT_NE(
        source.err.find("transfer 1 is not re-run: the input of transfer 1 is no longer kept"),
        std::string::npos)
        << source.err;
    EXPECT_EQ(count("SELECT COUNT(*) FROM transfers"), 1) << "nothing was queued";
}

}  // namespace
}  // namespace gw::test
