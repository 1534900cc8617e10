#include "gateway/store/sqlite_store.h"

#include <Poco/Data/Session.h>
#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include "gateway/core/errors.h"

using namespace Poco::Data::Keywords;

namespace gw {
namespace {

RegionalRecord episode(const std::string& id, const std::string& serviceType) {
    nlohmann::json body = {
        {"entity", "service_episode"}, {"episodeId", id}, {"serviceType", serviceType}};
    std::string hash = std::to_string(std::hash<std::string>()(body.dump()));
    body["provenance"] = {
        {"sourceMunicipality", "536"}, {"sourceSystem", "effica"}, {"contentHash", hash}};
    return {"service_episode", id, body};
}

class SqliteStoreTest : public ::testing::Test {
  protected:
    void SetUp() override { Poco::File(folder_.path()).createDirectories(); }

    std::string database() const { return folder_.path() + "/store/gateway.db"; }

    int count(const std::string& sql) {
        int n = 0;
        auto session = store_->connect();
        session << sql, into(n), now;
        return n;
    }

    Poco::TemporaryFile folder_;
    std::unique_ptr<SqliteStore> store_;
};

TEST_F(SqliteStoreTest, StoresNewRecordsAndNothingTwice) {
    store_ = std::make_unique<SqliteStore>(database());
    auto first = store_->beginTransfer("nokia", "536", "a.csv");
    {
        auto sink = store_->openSink(first);
        EXPECT_EQ(sink->write({episode("E1", "a")}), RecordSink::Outcome::Stored);
        EXPECT_EQ(sink->write({episode("E2", "a")}), RecordSink::Outcome::Stored);
        sink->commit();
    }
    auto second = store_->beginTransfer("nokia", "536", "a.csv");
    {
        auto sink = store_->openSink(second);
        EXPECT_EQ(sink->write({episode("E1", "a")}), RecordSink::Outcome::Unchanged);
        EXPECT_EQ(sink->write({episode("E2", "b")}), RecordSink::Outcome::Stored);
        sink->commit();
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), 3);
    EXPECT_EQ(count("SELECT MAX(version) FROM records WHERE source_record_id = 'E2'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records WHERE source_record_id = 'E2' AND version = 1"),
              1)
        << "the old version stays in history";
}

TEST_F(SqliteStoreTest, WhatIsNotCommittedIsRolledBack) {
    store_ = std::make_unique<SqliteStore>(database());
    auto id = store_->beginTransfer("nokia", "536", "a.csv");
    {
        auto sink = store_->openSink(id);
        sink->write({episode("E1", "a")});
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), 0);
}

TEST_F(SqliteStoreTest, QuarantinesWithPositionRuleAndSourceFields) {
    store_ = std::make_unique<SqliteStore>(database());
    auto id = store_->beginTransfer("nokia", "536", "a.csv");
    {
        auto sink = store_->openSink(id);
        SourceRecord source{{"a.csv", 41, 40}, {{"ALKUPVM", "31.02.2021"}}, std::nullopt};
        sink->quarantine(
            Rejection{Stage::Map, "map.date", "ALKUPVM", "no such day", source.position}, source);
        sink->commit();
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM quarantine WHERE line = 41 AND record_number = 40 AND "
                    "rule = 'map.date' AND stage = 'map' AND field = 'ALKUPVM' AND "
                    "source_fields LIKE '%31.02.2021%'"),
              1);
}

TEST_F(SqliteStoreTest, LogsTransfersWithTheirCounts) {
    store_ = std::make_unique<SqliteStore>(database());
    auto id = store_->beginTransfer("nokia", "536", "a.csv");
    EXPECT_EQ(store_->findTransfer(id)->state, "running");
    TransferResult result;
    result.counts = {10, 7, 1, 2};
    store_->finishTransfer(id, result);
    auto info = store_->findTransfer(id);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->state, "succeeded");
    EXPECT_EQ(info->counts.read, 10u);
    EXPECT_EQ(info->counts.rejected, 2u);
    EXPECT_FALSE(info->finishedAt.empty());

    auto failed = store_->beginTransfer("nokia", "536", "b.csv");
    result.error = "cannot open b.csv";
    store_->finishTransfer(failed, result);
    auto list = store_->listTransfers(10);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, failed) << "newest first";
    EXPECT_EQ(list[0].state, "failed");
    EXPECT_EQ(list[0].error, "cannot open b.csv");
    EXPECT_FALSE(store_->findTransfer(9999));
}

TEST_F(SqliteStoreTest, MigrationsAreAppliedOnceAndAreSafeToRunAgain) {
    store_ = std::make_unique<SqliteStore>(database());
    store_->beginTransfer("nokia", "536", "a.csv");
    store_ = std::make_unique<SqliteStore>(database());
    EXPECT_EQ(count("SELECT COUNT(*) FROM schema_migrations"), 1);
    EXPECT_EQ(count("SELECT COUNT(*) FROM transfers"), 1);
}

TEST(OpenStore, AnUnknownBackendIsAConfigurationError) {
    EXPECT_THROW(openStore("oracle", "x"), ConfigError);
}

}  // namespace
}  // namespace gw
