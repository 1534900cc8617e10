#include "gateway/reports/services_report.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include "gateway/reports/outcomes_report.h"
#include "gateway/reports/placements_report.h"
#include "gateway/store/sqlite/sqlite_store.h"

namespace gw {
namespace {

class ReportsTest : public ::testing::Test {
  protected:
    void SetUp() override {
        Poco::File(folder_.path()).createDirectories();
        store_ = std::make_unique<SqliteStore>(folder_.path() + "/gateway.db");
        transfer_ = store_->beginTransfer("test", "536", "x.csv", "test");
        sink_ = store_->openSink(transfer_);
    }

    void add(const std::string& entity, const std::string& id, nlohmann::json body) {
        body["provenance"] = {
            {"sourceMunicipality", body.value("organiserMunicipality", "536")},
            {"sourceSystem", "effica"},
            {"record", ++records_},
            {"contentHash", std::to_string(std::hash<std::string>()(body.dump()))}};
        writeRecords(*sink_, {{entity, id, RecordBody::fromJson(body),
                               Provenance::fromJson(body["provenance"]), body.dump()}});
    }

    void episode(const std::string& id, const std::string& start, const std::string& end,
                 bool goals, bool feedback, const std::string& referral) {
        nlohmann::json body = {{"organiserMunicipality", "536"},
                               {"serviceType", "social_rehabilitation"},
                               {"startDate", start},
                               {"goalsSet", goals},
                               {"feedbackWritten", feedback},
                               {"referralSource", referral},
                               {"producer", {{"type", "own_production"}}}};
        if (!end.empty()) body["endDate"] = end;
        add("service_episode", id, body);
    }

    nlohmann::json compute(const Report& report) {
        sink_->commit();
        return report.compute(
            *store_, {std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1/codes", "2022-12-31"});
    }

    Poco::TemporaryFile folder_;
    std::unique_ptr<SqliteStore> store_;
    std::int64_t transfer_ = 0;
    std::unique_ptr<RecordSink> sink_;
    int records_ = 0;
};

TEST_F(ReportsTest, ServicesCountsActiveEpisodesMediansSharesAndOverduePlans) {
    episode("E1", "2022-01-01", "", true, false, "kela");            // active, 364 days so far
    episode("E2", "2021-01-01", "2021-01-31", true, true, "kela");   // ended, 30 days, feedback
    episode("E3", "2020-01-01", "2020-01-11", false, false, "typ");  // ended, 10 days, no feedback
    episode("E4", "2023-06-01", "", true, false, "typ");  // not started by the reference date
    add("client_plan", "S1",
        {{"organiserMunicipality", "536"},
         {"serviceType", "social_rehabilitation"},
         {"drawnUpDate", "2021-01-01"},
         {"nextReviewDate", "2022-06-01"}});  // overdue
    add("client_plan", "S2",
        {{"organiserMunicipality", "536"},
         {"serviceType", "social_rehabilitation"},
         {"drawnUpDate", "2022-01-01"},
         {"lastReviewDate", "2022-07-01"},
         {"reviewIntervalMonths", 12}});  // due 2023-07-01
    add("client_plan", "S3",
        {{"organiserMunicipality", "536"},
         {"serviceType", "social_rehabilitation"},
         {"drawnUpDate", "2022-01-01"},
         {"reviewIntervalMonths", 6}});  // due 2022-07-01

    auto rows = compute(ServicesReport());
    ASSERT_EQ(rows.size(), 1u);
    const auto& row = rows[0];
    EXPECT_EQ(row["municipality"], "536");
    EXPECT_EQ(row["episodes"], 4);
    EXPECT_EQ(row["activeEpisodes"], 1);
    EXPECT_EQ(row["medianEpisodeDays"], 30.0) << "median of 364, 30 and 10";
    EXPECT_DOUBLE_EQ(row["goalsSetShare"].get<double>(), 0.75);
    EXPECT_DOUBLE_EQ(row["feedbackWrittenShare"].get<double>(), 0.5) << "of the two ended episodes";
    EXPECT_EQ(row["plansOverdueForReview"], 2);
    EXPECT_EQ(row["referralSources"]["kela"], 2);
    EXPECT_EQ(row["referralSources"]["typ"], 2);
    EXPECT_EQ(row["producerTypes"]["own_production"], 4);
}

TEST_F(ReportsTest, PlacementsCountDistinctClientsOfTheCurrentVersions) {
    auto placement = [&](const std::string& id, const std::string& client,
                         const std::string& type) {
        add("work_placement", id,
            {{"organiserMunicipality", "536"},
             {"placementType", type},
             {"client", {{"clientId", client}}}});
    };
    placement("P1", "c-1", "open_work_activity");
    placement("P2", "c-1", "open_work_activity");  // the same client twice counts once
    placement("P3", "c-2", "open_work_activity");
    placement("P4", "c-3", "paid_work");
    placement("P4", "c-3", "work_trial");  // a new version replaces the old one

    auto rows = compute(PlacementsReport());
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0]["open_work_activity"], 2);
    EXPECT_EQ(rows[0]["paid_work"], 0);
    EXPECT_EQ(rows[0]["work_trial"], 1);
    EXPECT_EQ(rows[0]["subcontracting_work"], 0) << "every placement type has a cell";
}

TEST_F(ReportsTest, OutcomesCountClientsIntoWorkDaysToPaidWorkLengthBandsAndReviewIntervals) {
    auto client = [](const std::string& id) { return nlohmann::json{{"clientId", id}}; };
    auto episodeOf = [&](const std::string& id, const std::string& who, const std::string& start,
                         const std::string& end) {
        nlohmann::json body = {{"episodeId", id},
                               {"organiserMunicipality", "536"},
                               {"serviceType", "social_rehabilitation"},
                               {"client", client(who)},
                               {"startDate", start}};
        if (!end.empty()) body["endDate"] = end;
        if (who == "A") body["producer"] = {{"type", "own_production"}};
        add("service_episode", id, body);
    };
    auto placement = [&](const std::string& id, const std::string& episode, const std::string& type,
                         const std::string& start) {
        add("work_placement", id,
            {{"organiserMunicipality", "536"},
             {"episodeId", episode},
             {"placementType", type},
             {"startDate", start}});
    };
    episodeOf("E1", "A", "2022-01-01", "");             // 364 days: 6 to 12 months
    placement("P1", "E1", "work_trial", "2022-02-01");  // A into work (a trial)
    placement("P2", "E1", "paid_work", "2022-03-02");   // 60 days to paid work
    placement("P3", "E1", "paid_work", "2022-05-01");   // later: not the first
    episodeOf("E2", "B", "2016-01-01", "2022-06-30");   // over 5 years
    placement("P4", "E2", "open_work_activity", "2016-02-01");
    add("feedback", "F1",
        {{"organiserMunicipality", "536"},
         {"episodeId", "E2"},
         {"date", "2022-06-30"},
         {"followUp", "employment"}});                 // B into work by the recommendation
    episodeOf("E3", "C", "2022-11-01", "");            // under 6 months, nothing yet
    placement("P5", "E3", "paid_work", "2023-02-01");  // after the reference date: not counted
    episodeOf("E4", "C", "2020-01-01", "2021-06-01");  // the same client again: 1 to 2 years
    episodeOf("E5", "D", "2023-01-01", "");            // not begun by the reference date
    add("client_plan", "S1",
        {{"organiserMunicipality", "536"},
         {"serviceType", "social_rehabilitation"},
         {"client", client("A")},
         {"drawnUpDate", "2022-01-01"},
         {"reviewIntervalMonths", 6}});
    add("client_plan", "S2",
        {{"organiserMunicipality", "536"},
         {"serviceType", "social_rehabilitation"},
         {"client", client("B")},
         {"drawnUpDate", "2022-01-01"}});

    auto rows = compute(OutcomesReport());
    ASSERT_EQ(rows.size(), 1u);
    const auto& row = rows[0];
    EXPECT_EQ(row["clients"], 3) << "A, B and C; D began after the reference date";
    EXPECT_EQ(row["clientsIntoWork"], 2);
    EXPECT_DOUBLE_EQ(row["intoWorkShare"].get<double>(), 2.0 / 3.0);
    EXPECT_EQ(row["medianDaysToPaidWork"], 60.0);
    EXPECT_EQ(row["episodeLengths"], (nlohmann::json{{"under6Months", 1},
                                                     {"6to12Months", 1},
                                                     {"1to2Years", 1},
                                                     {"2to5Years", 0},
                                                     {"over5Years", 1}}));
    EXPECT_EQ(row["reviewIntervals"]["4to6Months"], 1);
    EXPECT_EQ(row["reviewIntervals"]["notAgreed"], 1);
    EXPECT_EQ(row["reviewIntervalsByProducer"]["own_production"]["4to6Months"], 1)
        << "A's episode is produced by the municipality itself";
    EXPECT_EQ(row["reviewIntervalsByProducer"]["unknown"]["notAgreed"], 1)
        << "B's episode names no producer";
}

}  // namespace
}  // namespace gw
