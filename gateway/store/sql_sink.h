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

    /// A record key as the store holds it: its number, and its head (the newest version).
    struct Head {
        Poco::Int64 keyId = 0;
        Poco::Int64 version = 0;
        std::string contentHash;  ///< empty when the key is retired
        Poco::Int64 seq = 0;      ///< the head's seq; 0 when the key is retired
    };
    /// A version the sink decided to store, numbered by it.
    struct NewVersion {
        const Row* row;
        Poco::Int64 seq, keyId, version;
        Poco::Int64 previousSeq;  ///< the version it replaces; 0 for none
    };
    /// A key whose head the batch moved, to its version `head`.
    struct MovedHead {
        const NewVersion* head;
        bool newKey;  ///< the store had no version of the key before this batch
    };
    /// The numbers a writer hands out.
    enum class Numbering { VersionSeq, KeyId };

    /// What a backend supplies, I/O only: how a batch's transaction begins, how the keys of its
    /// records are found, how numbers are reserved, and how new versions, heads and rejections
    /// are written. The sink decides what is a new version and numbers it. Used by one thread at
    /// a time.
    class Writer {
      public:
        virtual ~Writer() = default;
        /// Begins the batch's transaction.
        virtual void begin() = 0;
        /// The store's keys among those of `rows` (each key once), by keyOf(); a key the store
        /// does not have is left out.
        virtual std::unordered_map<std::string, Head> findHeads(
            const std::vector<const Row*>& rows) = 0;
        /// The first of `count` consecutive numbers that no other transaction gets.
        virtual Poco::Int64 reserve(Numbering numbering, std::size_t count) = 0;
        /// Writes `versions` (in seq order), adds the new keys among `heads` and moves the
        /// others, in the open transaction.
        virtual void writeVersions(const std::vector<NewVersion>& versions,
                                   const std::vector<MovedHead>& heads) = 0;
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

    /// Makes each source record's Item, on the worker where its records were made.
    std::unique_ptr<Batch> newBatch() const override;
    void write(Batch& batch, std::size_t index) override;
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
