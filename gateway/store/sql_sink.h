#pragma once

#include <Poco/Data/Session.h>

#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <unordered_map>
#include <vector>

#include "gateway/store/record_digest.h"
#include "gateway/store/sql_store.h"

namespace gw {

/// A store's sink, the same for both backends: batches of source records, counts by source
/// record, the running digest, and the transfer's row updated in the same transaction as each
/// batch, so that what the transfer log says is always what is durable. A full batch is written
/// on a thread of its own while the pipeline goes on with the next one.
class SqlSink final : public RecordSink {
  public:
    /// One regional record ready to store.
    struct Row {
        std::string municipality, sourceSystem, entity, sourceRecordId, contentHash, body;
        Poco::Int64 recordNumber = 0;
        bool stored = false;  ///< set by persist(): a new version was written
    };
    /// One quarantined source record, with its fields as JSON text.
    struct Quarantined {
        Rejection rejection;
        std::string sourceFields;
    };
    /// One source record of the batch: its regional records, or why it was turned away.
    struct Item {
        std::vector<Row> rows;
        std::optional<Quarantined> rejection;
    };

    /// The newest stored version of one record key.
    struct Head {
        Poco::Int64 version = 0;
        std::string contentHash;
    };
    /// A version the sink decided to store: its row and its version number.
    struct NewVersion {
        const Row* row;
        Poco::Int64 version;
        bool newKey;     ///< the store had no version of the key before this batch
        bool lastOfKey;  ///< the batch's newest version of the key: its head after the batch
    };

    /// What a backend supplies, I/O only: how a batch's transaction begins, how the heads of its
    /// keys are found, and how new versions and rejections are written. The sink decides what is
    /// a new version. Used by one thread at a time.
    class Writer {
      public:
        virtual ~Writer() = default;
        /// Begins the batch's transaction.
        virtual void begin() = 0;
        /// The store's heads of the keys of `rows` (each key once), by keyOf(); a key the store
        /// does not have is left out.
        virtual std::unordered_map<std::string, Head> findHeads(
            const std::vector<const Row*>& rows) = 0;
        /// Writes `versions` in order (their seq in that order) and moves each key's head to its
        /// last one, in the open transaction.
        virtual void writeVersions(const std::vector<NewVersion>& versions) = 0;
        virtual void writeRejections(const std::vector<const Quarantined*>& rejections) = 0;
    };
    /// A record key as one text: municipality, source system, entity and source record id.
    static std::string keyOf(const Row& row);
    /// Makes the backend's writer on the sink's own session.
    using WriterFactory = std::function<std::unique_ptr<Writer>(Poco::Data::Session& session)>;

    /// Commits every `store.batchSize()` source records.
    SqlSink(SqlStore& store, Poco::Data::Session session, std::int64_t transferId,
            const WriterFactory& makeWriter);
    ~SqlSink() override;

    void write(const std::vector<RegionalRecord>& records) override;
    void quarantine(const Rejection& rejection, const SourceRecord& source) override;
    TransferCounts commit() override;

  private:
    void add(Item item);
    /// Waits for the batch being written; throws what stopped it, now and ever after.
    void finishWriting();
    void flush(std::vector<Item>& batch);
    /// One try at writing a batch in one transaction; rolled back when it throws.
    void writeBatch(std::vector<Item>& batch);
    /// Decides which records of the batch are new versions (marking them stored) and has the
    /// writer write them and the rejections.
    void persist(std::vector<Item>& batch);

    SqlStore& store_;
    Poco::Data::Session session_;
    Poco::Int64 transferId_;
    std::unique_ptr<Writer> writer_;
    std::vector<Item> batch_;
    // Written by flush() alone, which runs for one batch at a time.
    TransferCounts durable_;
    RecordDigest digest_;
    std::exception_ptr failure_;
    // Declared last, so that it is waited for before anything it uses goes away.
    std::future<void> writing_;
};

}  // namespace gw
