#pragma once

#include <Poco/Data/Session.h>
#include <Poco/Data/SessionPool.h>

#include <exception>
#include <functional>
#include <future>
#include <memory>
#include <optional>
#include <thread>
#include <unordered_map>

#include "gateway/store/store.h"

namespace gw {

/// The store on an SQL database through Poco::Data: everything but what differs between SQLite
/// and PostgreSQL, which the backends supply (connection set-up, placeholders, locking, bulk
/// writes). The schema is in migrations(), the same for both apart from `{serial}` (the type of
/// an auto-numbered key) and `{continue numbering table.column}` (continueNumbering()).
class SqlStore : public Store {
  public:
    std::int64_t queueTransfer(const std::string& source, const std::string& municipality,
                               const std::string& input) override;
    std::int64_t queueReprocess(const TransferInfo& original) override;
    std::optional<TransferInfo> claimTransfer(const std::string& instance) override;
    std::int64_t beginTransfer(const std::string& source, const std::string& municipality,
                               const std::string& input, const std::string& instance) override;
    void finishTransfer(std::int64_t id, const TransferResult& result) override;
    int recoverInterrupted(const std::string& instance) override;
    std::vector<TransferInfo> listTransfers(const TransferFilter& filter) override;
    std::optional<TransferInfo> findTransfer(std::int64_t id) override;
    std::vector<TransferInfo> transfersOf(const std::string& source) override;
    std::vector<TransferInfo> transfersOfMunicipality(const std::string& municipality) override;
    std::vector<TransferInfo> interruptedReprocesses() override;
    std::optional<TransferInfo> latestTransferOf(const std::string& source,
                                                 const std::string& input) override;
    void recordInputDeletion(const std::string& path, const std::string& reason) override;
    std::variant<std::int64_t, std::string> freezeMunicipality(const Freeze& freeze,
                                                               std::int64_t lastTransfer) override;
    std::int64_t lastTransferOf(const std::string& municipality) override;
    bool unfreezeMunicipality(const std::string& municipality, const std::string& by) override;
    std::vector<Freeze> freezesOf(const std::string& municipality) override;
    std::optional<std::pair<std::string, std::string>> inputDeletion(
        const std::string& path) override;
    std::vector<QuarantinedRecord> listRejects(std::int64_t transferId, std::int64_t after,
                                               std::size_t limit) override;
    std::vector<SourceStats> sourceStats() override;
    std::string watermark(const std::string& source) override;
    void setWatermark(const std::string& source, const std::string& watermark) override;
    void scanCurrent(const std::string& entity,
                     const std::function<void(const nlohmann::json& record)>& visit,
                     const std::string& municipality) override;
    void scanCurrentVersions(const std::string& entity, const std::string& since,
                             const std::function<void(const FeedEntry& entry)>& visit) override;
    void scanCurrentClients(const std::string& since,
                            const std::function<void(const FeedEntry& entry)>& visit) override;
    void scanTransferChanges(std::int64_t transferId,
                             const std::function<void(const StoredChange& change)>& visit) override;
    std::optional<std::string> currentRecord(const std::string& municipality,
                                             const std::string& sourceSystem,
                                             const std::string& entity,
                                             const std::string& sourceRecordId) override;
    void retireRecord(const std::string& municipality, const std::string& sourceSystem,
                      const std::string& entity, const std::string& sourceRecordId) override;
    std::string setting(const std::string& name) override;
    void setSetting(const std::string& name, const std::string& value) override;
    std::vector<FeedEntry> readFeed(const std::string& entity, std::int64_t after,
                                    std::size_t limit) override;
    FeedPage planFeedPage(const std::string& entity, std::int64_t after, std::size_t limit,
                          std::size_t maxCharacters) override;
    void logFeedRead(const FeedRead& read) override;
    std::vector<FeedRead> listFeedReads(std::int64_t after, std::size_t limit) override;
    Reconciliation reconcileTransfer(std::int64_t id) override;
    Reconciliation reconcileMunicipality(const std::string& municipality) override;
    std::map<std::string, std::map<std::string, std::int64_t>> currentRecordCounts() override;

    void retryLockedWritesFor(std::chrono::milliseconds limit) override { lockedRetry_ = limit; }

    /// The schema version this build writes; a store is migrated to it when opened.
    static std::size_t schemaVersion();

    /// Runs `write` and returns what it returns; when it fails because another writer holds the
    /// database, runs it again with backoff for as long as retryLockedWritesFor() allows. `write`
    /// must leave nothing behind when it throws (roll back its transaction).
    template <typename Write>
    auto whileLocked(Write write) -> decltype(write()) {
        auto deadline = std::chrono::steady_clock::now() + lockedRetry_;
        std::chrono::milliseconds pause(50);
        for (;;) {
            try {
                return write();
            } catch (const std::exception& e) {
                if (!isLocked(e) || std::chrono::steady_clock::now() + pause > deadline) throw;
            }
            noteLocked(pause);
            std::this_thread::sleep_for(pause);
            pause = std::min(pause * 2, std::chrono::milliseconds(2000));
        }
    }

    /// A session from the pool, set up for this store. Sessions are not shared between threads.
    Poco::Data::Session session();
    /// `text` with its `?` placeholders in the backend's own syntax.
    virtual std::string sql(const std::string& text) const = 0;

  protected:
    SqlStore(const std::string& connector, const std::string& connection);

    /// Applies pending migrations up to schema version `target`; the backend's constructor calls
    /// it once it can connect.
    void migrate(std::size_t target);
    /// Whether `e` says another writer holds the database (worth trying again).
    virtual bool isLocked(const std::exception& /*e*/) const { return false; }
    /// Per-connection settings, run on every session handed out.
    virtual void configure(Poco::Data::Session& /*session*/) {}
    /// Starts a transaction that no other writer of this database can interleave with.
    virtual void beginExclusive(Poco::Data::Session& session) = 0;
    virtual std::string serialType() const = 0;
    /// The statement that makes `table`'s auto-numbered `column` go on after the highest number
    /// in it, once rows were copied in with their numbers; empty when the database does so itself.
    virtual std::string continueNumbering(const std::string& table,
                                          const std::string& column) const = 0;
    /// What ends the claim's inner SELECT so that two instances never take one row.
    virtual std::string skipLocked() const = 0;
    /// The SQL expression for the client id held in the record text `body`.
    virtual std::string clientIdOf(const std::string& body) const = 0;

  private:
    void recordEnd(std::int64_t id, const TransferResult& result);
    /// The transfers `where` selects (its `?`s bound to `values` in order), newest first.
    std::vector<TransferInfo> queryTransfers(const std::string& where,
                                             std::vector<std::string> values, std::size_t limit);
    /// Fills in the problems and addsUp of `r`.
    static void checkReconciliation(Reconciliation& r, std::int64_t storedSourceRecords);

    static void noteLocked(std::chrono::milliseconds pause);

    Poco::Data::SessionPool pool_;
    std::chrono::milliseconds lockedRetry_{120000};
};

}  // namespace gw
