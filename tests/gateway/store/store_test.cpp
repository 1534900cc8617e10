#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "gateway/core/errors.h"
#include "gateway/core/sha256.h"
#include "gateway/store/postgres/copy_text.h"
#include "gateway/store/postgres/postgres_store.h"
#include "gateway/store/record_digest.h"
#include "gateway/store/regional_key_migration.h"
#include "gateway/store/sql_store.h"
#include "gateway/store/sqlite/sqlite_store.h"
#include "gateway/store/store_registry.h"
#include "tests/support/test_database.h"

using namespace Poco::Data::Keywords;

namespace gw {
namespace {

/// A record as the pipeline hands it to a sink, from its stored form.
RegionalRecord sealed(const std::string& entity, const std::string& id,
                      const nlohmann::json& body) {
    return {entity, id, RecordBody::fromJson(body), Provenance::fromJson(body.at("provenance")),
            body.dump()};
}

RegionalRecord episode(const std::string& id, const std::string& serviceType, long record = 1,
                       const std::string& municipality = "536") {
    nlohmann::json body = {
        {"entity", "service_episode"}, {"episodeId", id}, {"serviceType", serviceType}};
    std::string hash = std::to_string(std::hash<std::string>()(body.dump()));
    body["provenance"] = {{"sourceMunicipality", municipality},
                          {"sourceSystem", "effica"},
                          {"record", record},
                          {"contentHash", hash}};
    return sealed("service_episode", id, body);
}

SourceRecord badSource(long line) {
    return SourceRecord{
        {"a.csv", static_cast<std::size_t>(line), static_cast<std::size_t>(line - 1)},
        {{"ALKUPVM", "31.02.2021"}},
        std::nullopt};
}

Rejection badDate(const SourceRecord& source) {
    return Rejection{Stage::Map, "map.date", "ALKUPVM", "no such day", source.position};
}

/// Every test runs against each backend, on a database of its own.
class StoreTest : public ::testing::TestWithParam<std::string> {
  protected:
    StoreTest() : database_(GetParam()) { open(); }

    void open() {
        store_.reset();
        store_ = builtinStores().open(database_.backend(), database_.connection());
    }

    SqlStore& sql() { return dynamic_cast<SqlStore&>(*store_); }

    Poco::Int64 count(const std::string& query) {
        Poco::Int64 n = 0;
        auto session = sql().session();
        session << query, into(n), now;
        return n;
    }

    std::int64_t begin() { return store_->beginTransfer("nokia", "536", "a.csv", "test"); }

    test::TestDatabase database_;
    std::unique_ptr<Store> store_;
};

INSTANTIATE_TEST_SUITE_P(Backends, StoreTest, ::testing::ValuesIn(test::storeBackends()));

TEST_P(StoreTest, StoresNewRecordsAndNothingTwice) {
    TransferCounts first, second;
    {
        auto sink = store_->openSink(begin());
        writeRecords(*sink, {episode("E1", "a", 1)});
        writeRecords(*sink, {episode("E2", "a", 2)});
        first = sink->commit();
    }
    {
        auto sink = store_->openSink(begin());
        writeRecords(*sink, {episode("E1", "a", 1)});
        writeRecords(*sink, {episode("E2", "b", 2)});
        second = sink->commit();
    }
    EXPECT_EQ(first.stored, 2u);
    EXPECT_EQ(second.unchanged, 1u);
    EXPECT_EQ(second.stored, 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), 3);
    EXPECT_EQ(count("SELECT MAX(version) FROM records WHERE source_record_id = 'E2'"), 2);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records WHERE source_record_id = 'E2' AND version = 1"),
              1)
        << "the old version stays in history";
}

TEST_P(StoreTest, AKeyTwiceInOneBatchSeesItsEarlierVersion) {
    auto sink = store_->openSink(begin());
    writeRecords(*sink, {episode("E1", "a", 1)});
    writeRecords(*sink, {episode("E1", "a", 2)});  // resent row
    writeRecords(*sink, {episode("E1", "b", 3)});  // changed in the same export
    TransferCounts counts = sink->commit();
    EXPECT_EQ(counts.stored, 2u);
    EXPECT_EQ(counts.unchanged, 1u);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), 2);
    EXPECT_EQ(count("SELECT version FROM record_heads WHERE source_record_id = 'E1'"), 2);
    std::vector<std::string> current;
    store_->scanCurrent("service_episode", [&](const nlohmann::json& record) {
        current.push_back(record["serviceType"].get<std::string>());
    });
    EXPECT_EQ(current, std::vector<std::string>{"b"});
}

TEST_P(StoreTest, WhatIsNotCommittedIsNotStored) {
    {
        auto sink = store_->openSink(begin());
        writeRecords(*sink, {episode("E1", "a")});
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), 0);
}

TEST_P(StoreTest, BatchesCommitTheTransferCountsWithTheRecords) {
    auto id = begin();
    auto sink = store_->openSink(id);
    const std::uint64_t batch = store_->batchSize(), written = 3 * batch + batch / 2;
    for (std::uint64_t i = 1; i <= written; ++i)
        writeRecords(*sink, {episode("E" + std::to_string(i), "a", static_cast<long>(i))});
    // The third batch may still be being written; the first two are durable, and only whole
    // batches ever are, each with the counts that describe it (one statement, one snapshot).
    auto durable = store_->findTransfer(id)->counts;
    EXPECT_GE(durable.read, 2 * batch);
    EXPECT_EQ(durable.read % batch, 0u);
    EXPECT_EQ(durable.stored, durable.read);
    EXPECT_EQ(count("SELECT records_stored - (SELECT COUNT(*) FROM records) FROM transfers"
                    " WHERE id = " +
                    std::to_string(id)),
              0);
    EXPECT_EQ(sink->commit().stored, written);
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), static_cast<Poco::Int64>(written));
    std::uint64_t seen = 0;
    store_->scanCurrent("service_episode", [&](const nlohmann::json&) { ++seen; });
    EXPECT_EQ(seen, written);
}

TEST_P(StoreTest, ABatchThatCannotBeWrittenFailsTheTransferAndLeavesNothing) {
    // No such transfer: the records' foreign key turns the batch away, while it is written in
    // the background. Nothing is left for commit() to write itself: the error must come from
    // the background.
    auto sink = store_->openSink(424242);
    const std::uint64_t batch = store_->batchSize();
    for (std::uint64_t i = 1; i <= batch; ++i)
        writeRecords(*sink, {episode("E" + std::to_string(i), "a", static_cast<long>(i))});
    EXPECT_ANY_THROW(sink->commit());
    EXPECT_EQ(count("SELECT COUNT(*) FROM records"), 0);
    EXPECT_EQ(count("SELECT COUNT(*) FROM record_heads"), 0);
}

TEST_P(StoreTest, QuarantinesWithPositionRuleAndSourceFields) {
    auto id = begin();
    {
        auto sink = store_->openSink(id);
        auto source = badSource(41);
        sink->quarantine(badDate(source), source);
        EXPECT_EQ(sink->commit().rejected, 1u);
    }
    EXPECT_EQ(count("SELECT COUNT(*) FROM quarantine WHERE line = 41 AND record_number = 40 AND "
                    "rule = 'map.date' AND stage = 'map' AND field = 'ALKUPVM' AND "
                    "source_fields LIKE '%31.02.2021%'"),
              1);
    auto rejects = store_->listRejects(id, 0, 10);
    ASSERT_EQ(rejects.size(), 1u);
    EXPECT_EQ(rejects[0].rejection.position.line, 41u);
    EXPECT_EQ(rejects[0].rejection.rule, "map.date");
    EXPECT_TRUE(store_->listRejects(id, rejects[0].id, 10).empty());
}

TEST_P(StoreTest, LogsTransfersWithTheirCounts) {
    auto id = begin();
    EXPECT_EQ(store_->findTransfer(id)->state, "running");
    TransferResult result;
    {
        auto sink = store_->openSink(id);
        writeRecords(*sink, {episode("E1", "a", 1)});
        auto source = badSource(3);
        sink->quarantine(badDate(source), source);
        result.counts = sink->commit();
        result.counts.read = 2;
    }
    store_->finishTransfer(id, result);
    auto info = store_->findTransfer(id);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->state, "succeeded") << info->error;
    EXPECT_EQ(info->counts.read, 2u);
    EXPECT_EQ(info->counts.rejected, 1u);
    EXPECT_EQ(info->instance, "test");
    EXPECT_FALSE(info->finishedAt.empty());

    auto failed = begin();
    TransferResult failure;
    failure.error = "cannot open b.csv";
    store_->finishTransfer(failed, failure);
    auto list = store_->listTransfers({});
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].id, failed) << "newest first";
    EXPECT_EQ(list[0].state, "failed");
    EXPECT_EQ(list[0].error, "cannot open b.csv");
    EXPECT_FALSE(store_->findTransfer(9999));
}

TEST_P(StoreTest, TransfersAreListedByFilterAPageAtATime) {
    std::vector<std::int64_t> nokia, tampere;
    for (int i = 0; i < 5; ++i) {
        nokia.push_back(store_->beginTransfer("nokia", "536", "a.csv", "test"));
        tampere.push_back(store_->beginTransfer("tampere", "837", "b.csv", "test"));
    }
    store_->finishTransfer(tampere[1], TransferResult{});

    auto ids = [](const std::vector<TransferInfo>& list) {
        std::vector<std::int64_t> found;
        for (const auto& transfer : list) found.push_back(transfer.id);
        return found;
    };
    TransferFilter ofNokia;
    ofNokia.municipalities = {"536"};
    ofNokia.limit = 2;
    EXPECT_EQ(ids(store_->listTransfers(ofNokia)), (std::vector<std::int64_t>{nokia[4], nokia[3]}));
    ofNokia.before = nokia[3];
    EXPECT_EQ(ids(store_->listTransfers(ofNokia)), (std::vector<std::int64_t>{nokia[2], nokia[1]}));

    TransferFilter succeeded;
    succeeded.state = "succeeded";
    EXPECT_EQ(ids(store_->listTransfers(succeeded)), (std::vector<std::int64_t>{tampere[1]}));
    TransferFilter bySource;
    bySource.source = "tampere";
    bySource.municipalities = {"536", "837"};
    bySource.before = tampere[2];
    EXPECT_EQ(ids(store_->listTransfers(bySource)),
              (std::vector<std::int64_t>{tampere[1], tampere[0]}));
}

TEST_P(StoreTest, ATransferWhoseNumbersDoNotAddUpIsFailed) {
    auto id = begin();
    TransferResult result;
    {
        auto sink = store_->openSink(id);
        writeRecords(*sink, {episode("E1", "a", 1)});
        result.counts = sink->commit();
    }
    result.counts.read = 2;  // the pipeline read a record that never reached the store
    store_->finishTransfer(id, result);
    auto info = store_->findTransfer(id);
    EXPECT_EQ(info->state, "failed");
    EXPECT_NE(info->error.find("reconciliation: read 2 records but 1 were"), std::string::npos)
        << info->error;
}

TEST_P(StoreTest, ReconciliationChecksTheRowsAndDigestsTheCurrentRecords) {
    auto id = begin();
    {
        auto sink = store_->openSink(id);
        writeRecords(*sink, {episode("E1", "a", 1)});
        writeRecords(*sink, {episode("E2", "a", 2)});
        auto source = badSource(4);
        sink->quarantine(badDate(source), source);
        sink->commit();
    }
    RecordDigest expected;
    for (const auto& record : {episode("E1", "a"), episode("E2", "a")}) {
        expected.add(record.entity, record.sourceRecordId, record.provenance.contentHash);
    }
    auto transfer = store_->reconcileTransfer(id);
    EXPECT_TRUE(transfer.addsUp) << transfer.toJson().dump();
    EXPECT_EQ(transfer.counts.read, 3u);
    EXPECT_EQ(transfer.quarantined, 1);
    EXPECT_EQ(transfer.currentRecords, 2);
    EXPECT_EQ(transfer.digest, expected.hex());
    EXPECT_EQ(store_->findTransfer(id)->digest, expected.hex()) << "the sink's running digest";

    auto municipality = store_->reconcileMunicipality("536");
    EXPECT_TRUE(municipality.addsUp);
    EXPECT_EQ(municipality.digest, expected.hex());
    EXPECT_EQ(store_->reconcileMunicipality("837").currentRecords, 0);

    // A quarantine row removed behind the store's back no longer adds up.
    auto session = sql().session();
    session << "DELETE FROM quarantine", now;
    auto broken = store_->reconcileTransfer(id);
    EXPECT_FALSE(broken.addsUp);
    ASSERT_EQ(broken.problems.size(), 1u);
    EXPECT_EQ(broken.problems[0], "1 rejected but 0 in quarantine");
}

TEST_P(StoreTest, AMunicipalitysDigestCoversEveryPageOfItsCurrentRecords) {
    // More current records than one page of the digest's query (10 000), and a second
    // version of one of them: each key counts once, at its newest version.
    auto id = begin();
    RecordDigest expected;
    {
        auto sink = store_->openSink(id);
        for (long i = 1; i <= 10'050; ++i)
            writeRecords(*sink, {episode("E" + std::to_string(i), "a", i)});
        writeRecords(*sink, {episode("E7", "c", 10'051)});
        sink->commit();
    }
    for (long i = 1; i <= 10'050; ++i) {
        auto record = episode("E" + std::to_string(i), i == 7 ? "c" : "a");
        expected.add(record.entity, record.sourceRecordId, record.provenance.contentHash);
    }
    auto municipality = store_->reconcileMunicipality("536");
    EXPECT_EQ(municipality.currentRecords, 10'050);
    EXPECT_EQ(municipality.digest, expected.hex());
    auto counts = store_->currentRecordCounts();
    EXPECT_EQ(counts["536"]["service_episode"], 10'050) << "the count agrees with the digest's";
    EXPECT_EQ(counts.size(), 1u);
}

TEST_P(StoreTest, FeedsFollowTheCommitOrderFromACursor) {
    {
        auto sink = store_->openSink(begin());
        writeRecords(*sink, {episode("E1", "a", 1)});
        writeRecords(*sink, {episode("E2", "a", 2)});
        sink->commit();
    }
    auto first = store_->readFeed("service_episode", 0, 10);
    ASSERT_EQ(first.size(), 2u);
    EXPECT_LT(first[0].seq, first[1].seq);
    EXPECT_NE(first[0].body.find("\"E1\""), std::string::npos);
    EXPECT_TRUE(store_->readFeed("service_episode", first[1].seq, 10).empty());
    EXPECT_TRUE(store_->readFeed("client_plan", 0, 10).empty());
    {
        auto sink = store_->openSink(begin());
        writeRecords(*sink, {episode("E1", "b", 1)});
        sink->commit();
    }
    auto next = store_->readFeed("service_episode", first[1].seq, 10);
    ASSERT_EQ(next.size(), 1u) << "only the change since the cursor";
    EXPECT_NE(next[0].body.find("\"b\""), std::string::npos);
    EXPECT_EQ(store_->readFeed("service_episode", 0, 1).size(), 1u) << "limit";
}

TEST_P(StoreTest, AReaderFollowingTheCursorSeesEveryChangeOnceWhileTwoTransfersWrite) {
    const long perWriter = static_cast<long>(store_->batchSize()) * 3 + 7;
    std::atomic<int> writing{2};
    auto writer = [&](const std::string& prefix) {
        auto store = builtinStores().open(database_.backend(), database_.connection());
        auto sink = store->openSink(store->beginTransfer(prefix, "536", "a.csv", prefix));
        for (long i = 1; i <= perWriter; ++i)
            writeRecords(*sink, {episode(prefix + std::to_string(i), "a", i)});
        sink->commit();
        --writing;
    };
    std::thread first(writer, "A"), second(writer, "B");

    std::set<std::string> seen;
    std::int64_t cursor = 0;
    std::size_t repeats = 0, backwards = 0;
    for (bool done = false; !done;) {
        bool writersFinished = writing == 0;  // before the read: a page after it is the last
        auto page = store_->readFeed("service_episode", cursor, 500);
        for (const auto& entry : page) {
            if (entry.seq <= cursor) ++backwards;
            cursor = entry.seq;
            if (!seen.insert(nlohmann::json::parse(entry.body)["episodeId"]).second) ++repeats;
        }
        done = writersFinished && page.empty();
    }
    first.join();
    second.join();
    EXPECT_EQ(repeats, 0u);
    EXPECT_EQ(backwards, 0u);
    EXPECT_EQ(seen.size(), static_cast<std::size_t>(2 * perWriter));
}

/// A record as a version before the regional key stored it: the client id an unkeyed hash of
/// the code with its century sign made canonical ('-' for the 1900s), the content hash unkeyed.
RegionalRecord unkeyed(const std::string& entity, const std::string& id, const std::string& code,
                       long record) {
    std::string canonical = code.substr(0, 6) + "-" + code.substr(7);
    std::string clientId = "c-" + sha256Hex("fi-identity-code:" + canonical).substr(0, 32);
    nlohmann::json body = {{"entity", entity},
                           {"client", {{"clientId", clientId}, {"identityCode", code}}}};
    if (entity == "service_episode") body["episodeId"] = id;
    std::string key = entity == "client" ? clientId : id;
    std::string hash = sha256Hex(body.dump());
    body["provenance"] = {{"sourceMunicipality", "536"},
                          {"sourceSystem", "effica"},
                          {"sourceRecordId", key},
                          {"record", record},
                          {"input", "a.csv"},
                          {"contentHash", hash}};
    return sealed(entity, key, body);
}

TEST_P(StoreTest, AStoreWrittenBeforeTheRegionalKeyIsReKeyedAndTwoPeopleMergedByTheSignAreSplit) {
    // Two people told apart by the century sign alone, merged under one id by an earlier version.
    {
        auto sink = store_->openSink(begin());
        writeRecords(*sink, {unkeyed("client", "", "131052Y308T", 1),
                             unkeyed("service_episode", "E1", "131052-308T", 1)});
        writeRecords(*sink, {unkeyed("service_episode", "E2", "131052Y308T", 2)});
        sink->commit();
    }
    std::string mergedId = unkeyed("client", "", "131052-308T", 1).sourceRecordId;
    ASSERT_EQ(mergedId, unkeyed("client", "", "131052Y308T", 1).sourceRecordId);

    RegionalKeys keys(std::string(64, 'r'));
    ClientIdentity clients(false, keys);
    RegionalKeyMigration migration(*store_, clients, "test");
    const std::vector<std::string> entities = {"client", "service_episode"};
    auto transfers = migration.run(entities);
    ASSERT_EQ(transfers.size(), 1u);
    EXPECT_EQ(transfers[0].state, "succeeded") << transfers[0].error;
    EXPECT_EQ(transfers[0].counts.stored, 3u);
    EXPECT_TRUE(store_->reconcileTransfer(transfers[0].id).addsUp);
    EXPECT_TRUE(store_->reconcileMunicipality("536").addsUp)
        << store_->reconcileMunicipality("536").toJson().dump();

    std::map<std::string, std::string> clientOf;  // episode -> client id
    store_->scanCurrent("service_episode", [&](const nlohmann::json& record) {
        nlohmann::json content = record;
        content.erase("provenance");
        EXPECT_EQ(record["provenance"]["contentHash"], keys.contentHash(content.dump()));
        clientOf[record["episodeId"]] = record["client"]["clientId"];
    });
    ASSERT_EQ(clientOf.size(), 2u);
    EXPECT_NE(clientOf["E1"], clientOf["E2"]) << "the sign tells them apart";
    EXPECT_NE(clientOf["E1"], mergedId);
    std::vector<std::string> clientRecords;
    store_->scanCurrent("client", [&](const nlohmann::json& record) {
        clientRecords.push_back(record["provenance"]["sourceRecordId"]);
    });
    EXPECT_EQ(clientRecords, std::vector<std::string>{clientOf["E2"]})
        << "the client record moved to its new id, the merged one retired";
    EXPECT_EQ(count("SELECT COUNT(*) FROM records WHERE entity = 'service_episode'"), 4)
        << "every earlier version stays";

    EXPECT_TRUE(migration.run(entities).empty()) << "once per key";
    RegionalKeys otherKeys(std::string(64, 's'));
    ClientIdentity otherClients(false, otherKeys);
    EXPECT_THROW(RegionalKeyMigration(*store_, otherClients, "test").run(entities), ConfigError);
}

/// A client record of the person `clientId`, from one municipality's source.
RegionalRecord clientRecord(const std::string& id, const std::string& clientId,
                            const std::string& municipality, const std::string& home) {
    nlohmann::json body = {{"entity", "client"},
                           {"client", {{"clientId", clientId}, {"homeMunicipality", home}}}};
    body["provenance"] = {{"sourceMunicipality", municipality},
                          {"sourceSystem", "effica"},
                          {"record", 1},
                          {"contentHash", std::to_string(std::hash<std::string>()(body.dump()))}};
    return sealed("client", id, body);
}

TEST_P(StoreTest, CurrentVersionsAndClientsAreScannedSinceATimeWithRunningTransfersAlwaysIn) {
    auto finish = [&](std::int64_t id, std::uint64_t stored) {
        TransferResult result;
        result.counts = {stored, stored, 0, 0};
        store_->finishTransfer(id, result);
    };
    auto first = begin();
    {
        auto sink = store_->openSink(first);
        writeRecords(*sink, {episode("E1", "a", 1), episode("E2", "a", 2)});
        writeRecords(*sink, {clientRecord("K1", "c-1", "536", "536")});
        writeRecords(*sink, {clientRecord("K2", "c-2", "536", "536")});
        sink->commit();
    }
    finish(first, 4);
    std::vector<FeedEntry> seen;
    store_->scanCurrentVersions("service_episode", "",
                                [&](const FeedEntry& e) { seen.push_back(e); });
    ASSERT_EQ(seen.size(), 2u);
    std::string firstStored = seen[0].storedAt;
    EXPECT_EQ(firstStored.size(), 27u) << "ISO 8601 UTC with microseconds: " << firstStored;
    seen.clear();
    store_->scanCurrentVersions("service_episode", firstStored,
                                [&](const FeedEntry& e) { seen.push_back(e); });
    EXPECT_TRUE(seen.empty()) << "nothing stored after the first transfer ended";

    // A new version of E1 and the same person seen by a second municipality, in a transfer that
    // still runs: stored after any time.
    auto second = store_->beginTransfer("tampere", "837", "b.csv", "test");
    {
        auto sink = store_->openSink(second);
        writeRecords(*sink, {episode("E1", "b", 1)});
        writeRecords(*sink, {clientRecord("K9", "c-1", "837", "837")});
        sink->commit();
    }
    store_->scanCurrentVersions("service_episode", "9999",
                                [&](const FeedEntry& e) { seen.push_back(e); });
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_NE(seen[0].body.find("\"b\""), std::string::npos);

    // One entry per regional client: the newest of its records.
    std::map<std::string, FeedEntry> clients;
    store_->scanCurrentClients("", [&](const FeedEntry& e) {
        auto body = nlohmann::json::parse(e.body);
        EXPECT_TRUE(clients.emplace(body["client"]["clientId"], e).second) << "once each";
    });
    ASSERT_EQ(clients.size(), 2u);
    EXPECT_EQ(nlohmann::json::parse(clients["c-1"].body)["client"]["homeMunicipality"], "837");
    finish(second, 2);
    clients.clear();
    store_->scanCurrentClients(firstStored, [&](const FeedEntry& e) {
        clients.emplace(nlohmann::json::parse(e.body)["client"]["clientId"], e);
    });
    EXPECT_EQ(clients.size(), 1u) << "only the client one of whose records changed";
    EXPECT_TRUE(clients.count("c-1"));
}

TEST_P(StoreTest, FeedReadsAreKeptInTheAuditLog) {
    store_->logFeedRead(
        {0, "", "county", "service_episode", "pseudonymised", 0, 7, 7, "127.0.0.1", 200, "/a"});
    store_->logFeedRead(
        {0, "", "", "client", "full", 7, 9, 0, "10.1.2.3", 401, "/v1/feeds/client"});
    auto reads = store_->listFeedReads(0, 10);
    ASSERT_EQ(reads.size(), 2u);
    EXPECT_EQ(reads[0].reader, "county");
    EXPECT_EQ(reads[0].view, "pseudonymised");
    EXPECT_EQ(reads[0].address, "127.0.0.1");
    EXPECT_EQ(reads[1].after, 7);
    EXPECT_EQ(reads[1].last, 9);
    EXPECT_EQ(reads[1].status, 401);
    EXPECT_EQ(reads[1].resource, "/v1/feeds/client");
    EXPECT_FALSE(reads[1].readAt.empty());
    EXPECT_EQ(store_->listFeedReads(reads[0].id, 10).size(), 1u);
}

TEST_P(StoreTest, AQueuedTransferIsClaimedOnceAndOneSourceRunsOneAtATime) {
    auto a1 = store_->queueTransfer("a", "536", "x");
    EXPECT_EQ(store_->queueTransfer("a", "536", "x"), a1) << "queued once";
    auto b1 = store_->queueTransfer("b", "536", "z");
    EXPECT_EQ(store_->findTransfer(a1)->state, "queued");
    EXPECT_EQ(store_->claimTransfer("one")->id, a1);
    auto a2 = store_->queueTransfer("a", "536", "y");
    EXPECT_EQ(store_->claimTransfer("two")->id, b1) << "a is running: its next one waits";
    EXPECT_FALSE(store_->claimTransfer("two"));
    store_->finishTransfer(a1, TransferResult{});
    auto claimed = store_->claimTransfer("two");
    ASSERT_TRUE(claimed);
    EXPECT_EQ(claimed->id, a2);
    EXPECT_EQ(claimed->state, "running");
    EXPECT_EQ(claimed->instance, "two");
}

TEST_P(StoreTest, ConcurrentClaimersNeverTakeOneTransferTwice) {
    std::set<std::int64_t> queued;
    for (int i = 0; i < 40; ++i)
        queued.insert(store_->queueTransfer("s" + std::to_string(i), "536", "x"));
    std::mutex mutex;
    std::multiset<std::int64_t> claimed;
    std::vector<std::thread> claimers;
    for (int c = 0; c < 4; ++c) {
        claimers.emplace_back([&, c] {
            while (auto transfer = store_->claimTransfer("claimer" + std::to_string(c))) {
                std::lock_guard<std::mutex> lock(mutex);
                claimed.insert(transfer->id);
            }
        });
    }
    for (auto& claimer : claimers) claimer.join();
    EXPECT_EQ(std::set<std::int64_t>(claimed.begin(), claimed.end()), queued);
    EXPECT_EQ(claimed.size(), queued.size()) << "no transfer claimed twice";
}

TEST_P(StoreTest, ACrashedInstancesTransfersAreMarkedInterruptedWithWhatTheyCommitted) {
    auto id = begin();
    {
        auto sink = store_->openSink(id);
        const long written = static_cast<long>(store_->batchSize() * 3 / 2);
        for (long i = 1; i <= written; ++i)
            writeRecords(*sink, {episode("E" + std::to_string(i), "a", i)});
        // The process dies here: the second batch never commits.
    }
    auto other = store_->beginTransfer("tampere", "837", "b.csv", "elsewhere");
    open();
    EXPECT_EQ(store_->recoverInterrupted("test"), 1);
    auto info = store_->findTransfer(id);
    EXPECT_EQ(info->state, "interrupted");
    EXPECT_EQ(info->counts.read, store_->batchSize());
    EXPECT_EQ(info->counts.stored, store_->batchSize());
    // What it committed adds up, but it did not read its whole input: it does not reconcile.
    auto reconciled = store_->reconcileTransfer(id);
    EXPECT_FALSE(reconciled.addsUp);
    ASSERT_EQ(reconciled.problems.size(), 1u) << reconciled.toJson().dump();
    EXPECT_NE(reconciled.problems[0].find("interrupted before the end of its input"),
              std::string::npos);
    EXPECT_EQ(store_->findTransfer(other)->state, "running") << "another instance's is left";
}

TEST_P(StoreTest, AReRunIsQueuedOnceNamesItsTransferAndIsKeptApartFromArrivals) {
    auto original = begin();
    TransferResult ran;
    ran.mappingVersion = "2026.1";
    store_->finishTransfer(original, ran);
    auto info = *store_->findTransfer(original);
    EXPECT_EQ(info.mappingVersion, "2026.1");
    EXPECT_EQ(info.reprocessOf, 0);

    auto rerun = store_->queueReprocess(info);
    EXPECT_EQ(store_->queueReprocess(info), rerun) << "queued once";
    EXPECT_NE(store_->queueTransfer("nokia", "536", "a.csv"), rerun)
        << "an arrival of the same input is not the re-run";
    EXPECT_EQ(store_->findTransfer(rerun)->reprocessOf, original);
    EXPECT_EQ(store_->findTransfer(rerun)->input, "a.csv");
    EXPECT_EQ(store_->latestTransferOf("nokia", "a.csv")->reprocessOf, 0)
        << "the newest arrival, not the re-run";
    EXPECT_EQ(store_->transfersOf("nokia").size(), 3u);
    EXPECT_TRUE(store_->transfersOf("tampere").empty());

    // A re-run cut off by a crash is found at start, until another re-run of the same transfer.
    auto claimed = store_->claimTransfer("test");
    ASSERT_TRUE(claimed);
    EXPECT_EQ(claimed->id, rerun);
    EXPECT_EQ(store_->recoverInterrupted("test"), 1);
    ASSERT_EQ(store_->interruptedReprocesses().size(), 1u);
    EXPECT_EQ(store_->interruptedReprocesses()[0].id, rerun);
    store_->queueReprocess(info);
    EXPECT_TRUE(store_->interruptedReprocesses().empty());
}

TEST_P(StoreTest, ATransfersVersionsAreScannedWithTheVersionsTheyReplaced) {
    {
        auto sink = store_->openSink(begin());
        writeRecords(*sink, {episode("E1", "a", 1)});
        writeRecords(*sink, {episode("E2", "a", 2)});
        sink->commit();
    }
    auto second = begin();
    {
        auto sink = store_->openSink(second);
        writeRecords(*sink, {episode("E1", "a", 1)});
        writeRecords(*sink, {episode("E2", "b", 2)});
        writeRecords(*sink, {episode("E3", "b", 3)});
        sink->commit();
    }
    std::vector<StoredChange> changes;
    store_->scanTransferChanges(second, [&](const StoredChange& c) { changes.push_back(c); });
    ASSERT_EQ(changes.size(), 2u) << "E1 was unchanged";
    EXPECT_EQ(changes[0].recordNumber, 2);
    EXPECT_EQ(nlohmann::json::parse(changes[0].before)["serviceType"], "a");
    EXPECT_EQ(nlohmann::json::parse(changes[0].after)["serviceType"], "b");
    EXPECT_EQ(changes[1].recordNumber, 3);
    EXPECT_TRUE(changes[1].before.empty()) << "E3's first version replaced nothing";

    EXPECT_EQ(nlohmann::json::parse(
                  *store_->currentRecord("536", "effica", "service_episode", "E2"))["serviceType"],
              "b");
    EXPECT_FALSE(store_->currentRecord("536", "effica", "service_episode", "E9"));
}

TEST_P(StoreTest, AnInputsDeletionIsRecordedWithWhenAndWhy) {
    EXPECT_FALSE(store_->inputDeletion("/var/push/archive/a.csv"));
    store_->recordInputDeletion("/var/push/archive/a.csv", "kept for archive.keepDays = 30 days");
    open();
    auto deletion = store_->inputDeletion("/var/push/archive/a.csv");
    ASSERT_TRUE(deletion);
    EXPECT_FALSE(deletion->first.empty());
    EXPECT_EQ(deletion->second, "kept for archive.keepDays = 30 days");
    EXPECT_FALSE(store_->inputDeletion("/var/push/archive/b.csv"));
}

TEST_P(StoreTest, AMunicipalityIsFrozenOnceOnlyWhenIdleAndItsUnfreezeIsKept) {
    Freeze freeze;
    freeze.municipality = "536";
    freeze.frozenAt = "2026-12-01T10:00:00Z";
    freeze.frozenBy = "admin";
    freeze.certificate = "{}\n";
    freeze.signature = "c2lnbmF0dXJl";
    auto running = begin();
    EXPECT_EQ(store_->lastTransferOf("536"), running);
    auto refused = store_->freezeMunicipality(freeze, running);
    ASSERT_TRUE(std::holds_alternative<std::string>(refused));
    EXPECT_NE(std::get<std::string>(refused).find("queued or running"), std::string::npos);
    store_->finishTransfer(running, TransferResult{});
    auto stale = store_->freezeMunicipality(freeze, running - 1);
    ASSERT_TRUE(std::holds_alternative<std::string>(stale)) << "a transfer the certificate misses";

    ASSERT_TRUE(std::holds_alternative<std::int64_t>(store_->freezeMunicipality(freeze, running)));
    auto twice = store_->freezeMunicipality(freeze, running);
    ASSERT_TRUE(std::holds_alternative<std::string>(twice));
    EXPECT_NE(std::get<std::string>(twice).find("frozen already"), std::string::npos);
    EXPECT_TRUE(store_->freezesOf("837").empty());
    auto held = store_->freezesOf("536");
    ASSERT_EQ(held.size(), 1u);
    EXPECT_TRUE(held[0].holds());
    EXPECT_EQ(held[0].certificate, "{}\n");

    EXPECT_TRUE(store_->unfreezeMunicipality("536", "operator"));
    EXPECT_FALSE(store_->unfreezeMunicipality("536", "operator")) << "not frozen any more";
    held = store_->freezesOf("536");
    EXPECT_FALSE(held[0].holds());
    EXPECT_EQ(held[0].unfrozenBy, "operator");
    EXPECT_TRUE(std::holds_alternative<std::int64_t>(store_->freezeMunicipality(freeze, running)))
        << "frozen again after an unfreeze";
    EXPECT_EQ(store_->freezesOf("536").size(), 2u);
}

TEST_P(StoreTest, MigrationsAreAppliedOnceAndAreSafeToRunAgain) {
    begin();
    open();
    open();
    EXPECT_EQ(count("SELECT COUNT(*) FROM schema_migrations"), 8);
    EXPECT_EQ(count("SELECT COUNT(*) FROM transfers"), 1);
}

TEST_P(StoreTest, AStoreWrittenBeforeSurrogateKeysIsCarriedForwardWithNothingLost) {
    // A store as schema version 7 left it, written as its writers wrote: key E1 in two versions,
    // E2 in one, the same id in another municipality, and a client whose key was retired (its
    // version kept, its head gone).
    test::TestDatabase database(GetParam());
    std::int64_t first = 0, second = 0;
    {
        std::unique_ptr<SqlStore> old;
        if (GetParam() == "sqlite") {
            old = std::make_unique<SqliteStore>(database.connection(), 7);
        } else {
            old = std::make_unique<PostgresStore>(database.connection(), 7);
        }
        first = old->beginTransfer("nokia", "536", "a.csv", "test");
        second = old->beginTransfer("nokia", "536", "b.csv", "test");
        auto s = old->session();
        auto insert = [&](std::int64_t transfer, const std::string& municipality,
                          const std::string& entity, const std::string& id, int version,
                          const std::string& body, int recordNumber) {
            s << "INSERT INTO records (municipality, source_system, entity, source_record_id,"
                 " version, content_hash, transfer_id, record_number, body) VALUES ('" +
                     municipality + "', 'effica', '" + entity + "', '" + id + "', " +
                     std::to_string(version) + ", 'hash-of-" + body + "', " +
                     std::to_string(transfer) + ", " + std::to_string(recordNumber) + ", '" + body +
                     "')",
                now;
        };
        insert(first, "536", "service_episode", "E1", 1, "{\"v\":\"E1 one\"}", 1);
        insert(first, "536", "service_episode", "E2", 1, "{\"v\":\"E2 one\"}", 2);
        insert(first, "536", "client", "C9", 1, "{\"v\":\"C9 one\"}", 3);
        insert(second, "536", "service_episode", "E1", 2, "{\"v\":\"E1 two\"}", 1);
        insert(second, "837", "service_episode", "E1", 1, "{\"v\":\"E1 of 837\"}", 2);
        s << "INSERT INTO record_heads SELECT municipality, source_system, entity,"
             " source_record_id, version, content_hash, seq FROM records r WHERE entity ="
             " 'service_episode' AND version = (SELECT MAX(version) FROM records n WHERE"
             " n.municipality = r.municipality AND n.source_record_id = r.source_record_id)",
            now;
    }
    auto store = builtinStores().open(GetParam(), database.connection());
    auto& migrated = dynamic_cast<SqlStore&>(*store);

    // Every version, in its commit order, with its text.
    std::vector<std::string> feed;
    for (const auto& entry : store->readFeed("service_episode", 0, 100)) feed.push_back(entry.body);
    EXPECT_EQ(feed, (std::vector<std::string>{"{\"v\":\"E1 one\"}", "{\"v\":\"E2 one\"}",
                                              "{\"v\":\"E1 two\"}", "{\"v\":\"E1 of 837\"}"}));
    EXPECT_EQ(store->readFeed("client", 0, 100).size(), 1u);
    // The heads, the retired key and the versions replaced.
    EXPECT_EQ(store->currentRecord("536", "effica", "service_episode", "E1"), "{\"v\":\"E1 two\"}");
    EXPECT_EQ(store->currentRecord("837", "effica", "service_episode", "E1"),
              "{\"v\":\"E1 of 837\"}");
    EXPECT_FALSE(store->currentRecord("536", "effica", "client", "C9"));
    std::vector<StoredChange> changes;
    store->scanTransferChanges(second, [&](const StoredChange& c) { changes.push_back(c); });
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0].before, "{\"v\":\"E1 one\"}");
    EXPECT_EQ(changes[1].before, "");
    RecordDigest heads;
    heads.add("service_episode", "E1", "hash-of-{\"v\":\"E1 two\"}");
    heads.add("service_episode", "E2", "hash-of-{\"v\":\"E2 one\"}");
    auto reconciliation = store->reconcileMunicipality("536");
    EXPECT_EQ(reconciliation.currentRecords, 2);
    EXPECT_EQ(reconciliation.digest, heads.hex());
    EXPECT_EQ(store->reconcileTransfer(first).currentRecords, 1) << "E2; E1 was replaced";

    // Writing goes on from there: E1's third version after every seq before it, replacing its
    // second, and the retired client back as its second version.
    auto third = store->beginTransfer("nokia", "536", "c.csv", "test");
    {
        auto sink = store->openSink(third);
        writeRecords(*sink, {episode("E1", "c", 1)});
        RegionalRecord client = episode("C9", "c", 2);
        client.entity = "client";
        writeRecords(*sink, {client});
        sink->commit();
    }
    auto fresh = store->readFeed("service_episode", 5, 100);
    ASSERT_EQ(fresh.size(), 1u);
    EXPECT_GT(fresh[0].seq, 5);
    EXPECT_EQ(nlohmann::json::parse(*store->currentRecord("536", "effica", "service_episode", "E1"))
                  .at("serviceType"),
              "c");
    EXPECT_TRUE(store->currentRecord("536", "effica", "client", "C9"));
    changes.clear();
    store->scanTransferChanges(third, [&](const StoredChange& c) { changes.push_back(c); });
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0].before, "{\"v\":\"E1 two\"}");
    Poco::Int64 versions = 0, clientVersion = 0;
    auto s = migrated.session();
    s << "SELECT COUNT(*) FROM records", into(versions), now;
    s << "SELECT version FROM record_heads WHERE source_record_id = 'C9'", into(clientVersion), now;
    EXPECT_EQ(versions, 7);
    EXPECT_EQ(clientVersion, 2);
}

TEST_P(StoreTest, KeepsAWatermarkPerSource) {
    EXPECT_EQ(store_->watermark("tampere-pull"), "");
    store_->setWatermark("tampere-pull", "2026-11-23T10:00:00Z");
    store_->setWatermark("tampere-pull", "2026-11-23T11:00:00Z");
    store_->setWatermark("nokia-pull", "2026-11-20T08:00:00Z");
    open();
    EXPECT_EQ(store_->watermark("tampere-pull"), "2026-11-23T11:00:00Z");
    EXPECT_EQ(store_->watermark("nokia-pull"), "2026-11-20T08:00:00Z");
}

TEST(CopyText, EscapesBackslashTabNewlineAndCarriageReturnAndKeepsEveryOtherByte) {
    std::string out = "x";
    appendCopyField(out, std::string_view("a\\b\tc\nd\re\0f\xc3\xa4", 13));
    EXPECT_EQ(out, std::string("xa\\\\b\\tc\\nd\\re\0f\xc3\xa4", 18));
    out.clear();
    appendCopyField(out, "\\\n");
    EXPECT_EQ(out, "\\\\\\n") << "escapes at both ends";
    appendCopyField(out, "");
    EXPECT_EQ(out, "\\\\\\n");
}

TEST(OpenStore, AnUnknownBackendIsAConfigurationError) {
    EXPECT_THROW(builtinStores().open("oracle", "x"), ConfigError);
}

TEST(RecordDigest, IsTheSameInAnyOrderAndChangesWithAnyRecord) {
    RecordDigest forward, backward, other;
    forward.add("client", "c-1", "h1");
    forward.add("client", "c-2", "h2");
    backward.add("client", "c-2", "h2");
    backward.add("client", "c-1", "h1");
    other.add("client", "c-1", "h1");
    other.add("client", "c-2", "h3");
    EXPECT_EQ(forward.hex(), backward.hex());
    EXPECT_NE(forward.hex(), other.hex());
    EXPECT_EQ(RecordDigest::fromHex(forward.hex()).hex(), forward.hex());
    EXPECT_EQ(RecordDigest().hex(), std::string(64, '0'));
}

}  // namespace
}  // namespace gw
