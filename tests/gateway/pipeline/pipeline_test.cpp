#include "gateway/pipeline/pipeline.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <thread>

#include "gateway/core/sha256.h"

namespace gw {
namespace {

const std::string kRoot = GATEWAY_SOURCE_DIR;

/// Everything a sink is told, in the order it is told.
class RecordingSink : public WholeRecordSink {
  public:
    struct Event {
        std::uint64_t record;
        std::string what;  ///< "write" with the records' texts, or the rejection's rule
        bool operator==(const Event& other) const {
            return record == other.record && what == other.what;
        }
    };

    void write(const std::vector<RegionalRecord>& records) override {
        std::string texts = "write";
        for (const auto& record : records) {
            texts += '\n' + record.text;
            written.push_back(record);
        }
        events.push_back({records.front().provenance.record, texts});
        if (onWrite) onWrite();
    }
    void quarantine(const Rejection& rejection, const SourceRecord& source) override {
        events.push_back({source.position.record, rejection.rule});
    }
    TransferCounts commit() override { return {}; }

    std::vector<Event> events;
    std::vector<RegionalRecord> written;
    std::function<void()> onWrite;
};

/// A sink with batches of its own, which keep each source record's ordinal and the thread that
/// added it.
class OrdinalSink : public RecordSink {
  public:
    struct Added {
        std::uint64_t record;
        std::thread::id thread;
    };
    class Ordinals final : public Batch {
      public:
        void add(std::vector<RegionalRecord>&& records) override {
            added.push_back({records.front().provenance.record, std::this_thread::get_id()});
        }
        std::vector<Added> added;
    };

    std::unique_ptr<Batch> newBatch() const override { return std::make_unique<Ordinals>(); }
    void write(Batch& batch, std::size_t index) override {
        const Added& added = static_cast<Ordinals&>(batch).added.at(index);
        told.push_back(added.record);
        addedOn.push_back(added.thread);
    }
    void quarantine(const Rejection&, const SourceRecord& source) override {
        told.push_back(source.position.record);
        ++quarantined;
    }
    TransferCounts commit() override { return {}; }

    std::vector<std::uint64_t> told;  ///< the ordinals written and quarantined, in order
    std::vector<std::thread::id> addedOn;
    std::size_t quarantined = 0;
};

/// Nokia's sample export, its data rows repeated so that it spans many batches.
std::string repeatedSample(int times) {
    std::ifstream file(kRoot + "/samples/nokia/asiakastiedot.csv");
    std::string header;
    std::getline(file, header);
    std::stringstream rows;
    rows << file.rdbuf();
    std::string text = header + "\n";
    for (int i = 0; i < times; ++i) text += rows.str();
    return text;
}

class PipelineTest : public ::testing::Test {
  protected:
    PipelineTest()
        : mapping_(Mapping::load(kRoot + "/mappings/nokia.json",
                                 kRoot + "/schemas/mapping.schema.json")),
          validator_(kRoot + "/schemas/v1"),
          keys_(std::string(64, 'k')),
          clients_(false, keys_),
          export_(repeatedSample(12)) {}

    TransferResult run(unsigned threads, RecordSink& sink,
                       const std::atomic<bool>* stop = nullptr) {
        std::istringstream input(export_);
        return Pipeline(mapping_, validator_, clients_, threads)
            .run(input, "asiakastiedot.csv", 7, sink, stop);
    }

    Mapping mapping_;
    RecordValidator validator_;
    RegionalKeys keys_;
    ClientIdentity clients_;
    std::string export_;
};

TEST_F(PipelineTest, TheSinkSeesEveryRecordInInputOrderWhateverTheThreads) {
    RecordingSink alone;
    TransferResult result = run(1, alone);
    ASSERT_GT(result.counts.read, 3000u);
    ASSERT_EQ(alone.events.size(), result.counts.read);
    for (std::size_t i = 0; i < alone.events.size(); ++i) EXPECT_EQ(alone.events[i].record, i + 1);

    for (unsigned threads : {2u, 3u}) {
        RecordingSink side;
        EXPECT_EQ(run(threads, side).counts.read, result.counts.read);
        EXPECT_TRUE(side.events == alone.events) << threads << " threads";
    }
}

TEST_F(PipelineTest, ASinksBatchesAreFilledOnTheWorkersAndWrittenFromInInputOrder) {
    RecordingSink whole;
    run(1, whole);
    OrdinalSink sink;
    run(2, sink);
    ASSERT_GT(sink.quarantined, 0u) << "the sample has rejects to write between";
    std::vector<std::uint64_t> told;
    for (const auto& event : whole.events) told.push_back(event.record);
    EXPECT_EQ(sink.told, told);
    EXPECT_EQ(sink.addedOn.size(), told.size() - sink.quarantined);
    for (std::thread::id thread : sink.addedOn) ASSERT_NE(thread, std::this_thread::get_id());
}

TEST_F(PipelineTest, EachRecordIsStoredAsItsBodyWithTheKeyedHashOfItsContent) {
    RecordingSink sink;
    run(2, sink);
    ASSERT_FALSE(sink.written.empty());
    for (const auto& record : sink.written) {
        ASSERT_EQ(nlohmann::json::parse(record.text), record.body.toJson());
        nlohmann::json content = record.body.toJson();
        content.erase("provenance");
        EXPECT_EQ(record.provenance.contentHash, keys_.contentHash(content.dump()));
        EXPECT_NE(record.provenance.contentHash, sha256Hex(content.dump()))
            << "an unkeyed hash of a record with an identity code can be brute-forced";
    }
}

TEST_F(PipelineTest, AStopEndsTheRunWithEveryRecordReadHandedToTheSink) {
    std::atomic<bool> stop{false};
    RecordingSink sink;
    sink.onWrite = [&] { stop = true; };
    TransferResult result = run(2, sink, &stop);
    EXPECT_TRUE(result.interrupted);
    EXPECT_LT(result.counts.read, 3000u);
    EXPECT_EQ(sink.events.size(), result.counts.read);
}

}  // namespace
}  // namespace gw
