#pragma once

// RecordStore: the store's job of keeping regional records, the quarantine and the feeds.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/model/rejection.h"
#include "gateway/model/transfer_outcome.h"
#include "gateway/pipeline/record_sink.h"

namespace gw {

/// One change in a feed: a stored version of a regional record, in commit order.
struct FeedEntry {
    std::int64_t seq = 0;  ///< the cursor just after this entry
    std::string body;      ///< the regional record as JSON text
    /// When it was stored: the end of the transfer that stored it (ISO 8601, UTC, as the
    /// transfer log writes it), or that transfer's start while it still runs.
    std::string storedAt;
};

/// How far one page of a feed reaches: its entries and the cursor after the last of them.
struct FeedPage {
    std::size_t entries = 0;
    std::int64_t last = 0;  ///< the cursor after the page (the one it started from when empty)
};

/// A version a transfer stored, with the version of the same key it replaced.
struct StoredChange {
    std::int64_t recordNumber = 0;  ///< the source record of its transfer it was made from
    std::string entity;
    std::string before;  ///< the replaced version's text; empty for the first version of a key
    std::string after;
};

/// What the store holds for one transfer or one municipality, to check against what was sent.
struct Reconciliation {
    std::string scope;  ///< "transfer 12" or "municipality 536"
    TransferCounts counts;
    std::int64_t quarantined = 0;     ///< quarantine rows
    std::int64_t currentRecords = 0;  ///< regional records whose newest version is from the scope
    std::string digest;
    /// A municipality's current records and their digest, entity by entity (empty for a transfer).
    struct EntityRecords {
        std::int64_t currentRecords = 0;
        std::string digest;
    };
    std::map<std::string, EntityRecords> entities;
    bool addsUp = true;
    std::vector<std::string> problems;

    nlohmann::json toJson() const;
};

/// The regional records with their history and the quarantine: the sink transfers write
/// through, the current records, the feeds' pages, and reconciliation. Every method may be
/// called from any thread.
class RecordStore {
  public:
    virtual ~RecordStore() = default;

    /// A sink that writes the records of transfer `transferId` into this store, committing the
    /// transfer's counts in the same transaction as each batch.
    virtual std::unique_ptr<RecordSink> openSink(std::int64_t transferId) = 0;
    /// How many source records a sink of this store commits at once.
    virtual std::size_t batchSize() const = 0;
    /// The quarantined records of a transfer with id greater than `after`, oldest first:
    /// positions and reasons, never the source fields.
    virtual std::vector<QuarantinedRecord> listRejects(std::int64_t transferId, std::int64_t after,
                                                       std::size_t limit) = 0;
    /// Calls `visit` with the current (newest) version of every stored record of `entity` (of one
    /// municipality's sources, when `municipality` is not empty) as it was when the call began,
    /// one at a time, so that reports never hold the whole store in memory.
    virtual void scanCurrent(const std::string& entity,
                             const std::function<void(const nlohmann::json& record)>& visit,
                             const std::string& municipality = "") = 0;
    /// Calls `visit` with the current version of every stored record of `entity` that was stored
    /// after `since` (a time as FeedEntry::storedAt gives it; empty for all), in commit order,
    /// one at a time. Versions of a transfer that still runs count as stored after any `since`:
    /// a reader who asks again from the time it began this scan misses none.
    virtual void scanCurrentVersions(const std::string& entity, const std::string& since,
                                     const std::function<void(const FeedEntry& entry)>& visit) = 0;
    /// Calls `visit` once for each regional client (client id) of the current client records,
    /// with the newest of that client's records, when any of them was stored after `since` (as
    /// above). The entry's seq is that newest record's, its storedAt the latest of them all.
    virtual void scanCurrentClients(const std::string& since,
                                    const std::function<void(const FeedEntry& entry)>& visit) = 0;
    /// Calls `visit` with every version transfer `transferId` stored, in commit order, each with
    /// the version it replaced, one at a time.
    virtual void scanTransferChanges(
        std::int64_t transferId, const std::function<void(const StoredChange& change)>& visit) = 0;
    /// The text of the current version of one record key; empty when the store has none.
    virtual std::optional<std::string> currentRecord(const std::string& municipality,
                                                     const std::string& sourceSystem,
                                                     const std::string& entity,
                                                     const std::string& sourceRecordId) = 0;
    /// Makes a record no longer current, its history kept: for a record whose key was replaced
    /// by another (a client record re-keyed under a new regional client id).
    virtual void retireRecord(const std::string& municipality, const std::string& sourceSystem,
                              const std::string& entity, const std::string& sourceRecordId) = 0;
    /// The stored versions of `entity` after cursor `after`, in commit order, at most `limit`.
    /// A reader that follows the cursor sees every version exactly once, also while transfers
    /// write.
    virtual std::vector<FeedEntry> readFeed(const std::string& entity, std::int64_t after,
                                            std::size_t limit) = 0;
    /// The page of at most `limit` entries after `after` whose bodies add up to no more than
    /// `maxCharacters` (at least one entry, however long), without reading the bodies: a page
    /// can then be sent a few entries at a time, in memory bounded whatever the records' size.
    virtual FeedPage planFeedPage(const std::string& entity, std::int64_t after, std::size_t limit,
                                  std::size_t maxCharacters) = 0;
    virtual Reconciliation reconcileTransfer(std::int64_t id) = 0;
    virtual Reconciliation reconcileMunicipality(const std::string& municipality) = 0;
    /// How many current records each municipality has, entity by entity: a count, without the
    /// digest that reconcileMunicipality() reads every record for.
    virtual std::map<std::string, std::map<std::string, std::int64_t>> currentRecordCounts() = 0;
};

/// Calls `visit` with every rejection of transfer `transferId`, oldest first, a page at a time, so
/// that a transfer with many rejects never sits whole in memory.
template <typename Visit>
void forEachReject(RecordStore& store, std::int64_t transferId, Visit visit) {
    constexpr std::size_t kPage = 1000;
    for (std::int64_t after = 0;;) {
        auto page = store.listRejects(transferId, after, kPage);
        for (const auto& reject : page) visit(reject.rejection);
        if (page.size() < kPage) return;
        after = page.back().id;
    }
}

}  // namespace gw
