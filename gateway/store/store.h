#pragma once

#include <chrono>
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

/// One row of the transfer log: a run of one source over one input.
struct TransferInfo {
    std::int64_t id = 0;
    std::string source;
    std::string municipality;
    std::string input;
    std::string state;      ///< queued, running, succeeded, failed or interrupted
    std::string instance;   ///< the gatewayd instance that ran it
    std::string startedAt;  ///< when it was queued, then when it started running
    std::string finishedAt;
    TransferCounts counts;
    std::string digest;  ///< over the entity, source record id and content hash of every record
    std::string error;
    std::string warning;  ///< a transfer that succeeded but looks wrong (an input with no records)

    nlohmann::json toJson() const;
};

/// The transfers of one source in one state, summed up (for /metrics).
struct SourceStats {
    std::string source;
    std::string municipality;
    std::string state;
    std::int64_t transfers = 0;
    TransferCounts counts;
    /// When the newest of them finished; empty when none did.
    std::optional<std::chrono::system_clock::time_point> lastFinishedAt;
};

/// When each source's newest successful transfer finished; sources without one are left out.
inline std::map<std::string, std::chrono::system_clock::time_point> lastSuccesses(
    const std::vector<SourceStats>& stats) {
    std::map<std::string, std::chrono::system_clock::time_point> last;
    for (const auto& s : stats) {
        if (s.state == "succeeded" && s.lastFinishedAt) last[s.source] = *s.lastFinishedAt;
    }
    return last;
}

/// One change in a feed: a stored version of a regional record, in commit order.
struct FeedEntry {
    std::int64_t seq = 0;  ///< the cursor just after this entry
    std::string body;      ///< the regional record as JSON text
};

/// How far one page of a feed reaches: its entries and the cursor after the last of them.
struct FeedPage {
    std::size_t entries = 0;
    std::int64_t last = 0;  ///< the cursor after the page (the one it started from when empty)
};

/// One attempt to read personal data (a county feed, a transfer's rejects), as the audit log
/// keeps it: refused attempts too.
struct FeedRead {
    std::int64_t id = 0;
    std::string readAt;
    std::string reader;  ///< the token's name; empty when no valid token was presented
    std::string entity;  ///< the feed's entity; empty for other resources
    std::string view;    ///< full or pseudonymised; for other resources, what was read
    std::int64_t after = 0;
    std::int64_t last = 0;
    std::int64_t records = 0;
    std::string address;   ///< the client's IP address
    int status = 200;      ///< the HTTP status it was answered with
    std::string resource;  ///< the path asked for, without its query

    nlohmann::json toJson() const;
};

/// What the store holds for one transfer or one municipality, to check against what was sent.
struct Reconciliation {
    std::string scope;  ///< "transfer 12" or "municipality 536"
    TransferCounts counts;
    std::int64_t quarantined = 0;     ///< quarantine rows
    std::int64_t currentRecords = 0;  ///< regional records whose newest version is from the scope
    std::string digest;
    bool addsUp = true;
    std::vector<std::string> problems;

    nlohmann::json toJson() const;
};

/// Keeps regional records with their history, the quarantine, the transfer log and queue, and
/// the audit log of feed reads. Every method may be called from any thread.
class Store {
  public:
    virtual ~Store() = default;

    /// Queues a run of `source` over `input` for the first free instance to claim, unless one is
    /// queued already: then that one's id.
    virtual std::int64_t queueTransfer(const std::string& source, const std::string& municipality,
                                       const std::string& input) = 0;
    /// Claims the oldest queued transfer for `instance`, which then runs it; no two instances ever
    /// claim the same transfer. Empty when nothing is queued.
    virtual std::optional<TransferInfo> claimTransfer(const std::string& instance) = 0;
    /// Logs a transfer that starts running at once on `instance` and returns its id.
    virtual std::int64_t beginTransfer(const std::string& source, const std::string& municipality,
                                       const std::string& input, const std::string& instance) = 0;
    /// Records how a transfer ended. A transfer whose counts do not add up, or do not match the
    /// rows stored for it, is logged as failed whatever `result` says.
    virtual void finishTransfer(std::int64_t id, const TransferResult& result) = 0;
    /// Marks the transfers `instance` was running as interrupted: they were cut off by a crash.
    /// What they committed stays, with counts that match it. Returns how many there were.
    virtual int recoverInterrupted(const std::string& instance) = 0;
    /// A sink that writes the records of transfer `transferId` into this store, committing the
    /// transfer's counts in the same transaction as each batch.
    virtual std::unique_ptr<RecordSink> openSink(std::int64_t transferId) = 0;
    /// How many source records a sink of this store commits at once.
    virtual std::size_t batchSize() const = 0;
    /// How long a write that finds the database locked by another writer is tried again (with
    /// backoff) before it fails.
    virtual void retryLockedWritesFor(std::chrono::milliseconds limit) = 0;

    /// The newest transfers first.
    virtual std::vector<TransferInfo> listTransfers(std::size_t limit) = 0;
    virtual std::optional<TransferInfo> findTransfer(std::int64_t id) = 0;
    /// The newest transfer of `source` over `input`, if there is one.
    virtual std::optional<TransferInfo> latestTransferOf(const std::string& source,
                                                         const std::string& input) = 0;
    /// A pull source's watermark: where its next pull starts ("" before the first success).
    virtual std::string watermark(const std::string& source) = 0;
    virtual void setWatermark(const std::string& source, const std::string& watermark) = 0;
    /// The transfer log summed up by source and state.
    virtual std::vector<SourceStats> sourceStats() = 0;
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
    /// Makes a record no longer current, its history kept: for a record whose key was replaced
    /// by another (a client record re-keyed under a new regional client id).
    virtual void retireRecord(const std::string& municipality, const std::string& sourceSystem,
                              const std::string& entity, const std::string& sourceRecordId) = 0;
    /// A value the store keeps about itself (empty when never set), and setting it.
    virtual std::string setting(const std::string& name) = 0;
    virtual void setSetting(const std::string& name, const std::string& value) = 0;
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
    /// Writes one attempt to the audit log; throws when it cannot, so that what cannot be audited
    /// is not served.
    virtual void logFeedRead(const FeedRead& read) = 0;
    /// The audit log with id greater than `after`, oldest first.
    virtual std::vector<FeedRead> listFeedReads(std::int64_t after, std::size_t limit) = 0;

    virtual Reconciliation reconcileTransfer(std::int64_t id) = 0;
    virtual Reconciliation reconcileMunicipality(const std::string& municipality) = 0;
};

/// Opens the store of a backend ("sqlite" with the database file as `connection`, "postgresql"
/// with a libpq connection string) and applies its pending schema migrations. Throws ConfigError
/// for an unknown backend.
std::unique_ptr<Store> openStore(const std::string& backend, const std::string& connection);

}  // namespace gw
