#pragma once

// TransferLog: the store's job of keeping the transfer log and queue.

#include <chrono>
#include <cstdint>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "gateway/model/transfer_outcome.h"

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
    std::int64_t reprocessOf = 0;  ///< the transfer whose input this one reads again (0: none)
    std::string mappingVersion;    ///< the version of the mapping it ran with, once it ran

    nlohmann::json toJson() const;
};

/// Which transfers a list shows, newest first, one page at a time. An empty field does not
/// filter.
struct TransferFilter {
    std::vector<std::string> municipalities;  ///< any of these
    std::string source;
    std::string state;
    std::int64_t before =
        0;  ///< only transfers with a smaller id: the page after the one ending there
    std::size_t limit = 100;
};

/// A municipality frozen at its cut-over: no schedule, push or manual run of its sources runs
/// until it is unfrozen. The certificate was signed when it was frozen.
struct Freeze {
    std::int64_t id = 0;
    std::string municipality;
    std::string frozenAt, frozenBy;
    std::string certificate;             ///< the signed text, exactly
    std::string signature;               ///< base64 of the Ed25519 signature of `certificate`
    std::string unfrozenAt, unfrozenBy;  ///< empty while it holds

    bool holds() const { return unfrozenAt.empty(); }
    /// Everything but the certificate's text and signature, which are served as they are.
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

/// The transfer log and queue: every run of a source over one input, from queued to its end, and
/// each pull source's watermark. Every method may be called from any thread.
class TransferLog {
  public:
    virtual ~TransferLog() = default;

    /// Queues a run of `source` over `input` for the first free instance to claim, unless one is
    /// queued already: then that one's id.
    virtual std::int64_t queueTransfer(const std::string& source, const std::string& municipality,
                                       const std::string& input) = 0;
    /// Queues a re-run of the finished transfer `original`: a new transfer of its source that reads
    /// its input again and names it, unless one is queued already: then that one's id.
    virtual std::int64_t queueReprocess(const TransferInfo& original) = 0;
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
    /// The transfers the filter asks for, the newest first.
    virtual std::vector<TransferInfo> listTransfers(const TransferFilter& filter) = 0;
    virtual std::optional<TransferInfo> findTransfer(std::int64_t id) = 0;
    /// The transfers of `source`, newest first.
    virtual std::vector<TransferInfo> transfersOf(const std::string& source) = 0;
    /// The transfers of every source of `municipality`, newest first.
    virtual std::vector<TransferInfo> transfersOfMunicipality(const std::string& municipality) = 0;
    /// The re-runs that were cut off (interrupted) and not queued again since: at start, each is
    /// queued again.
    virtual std::vector<TransferInfo> interruptedReprocesses() = 0;
    /// The newest transfer of `source` over `input` as it arrived (re-runs left out), if any.
    virtual std::optional<TransferInfo> latestTransferOf(const std::string& source,
                                                         const std::string& input) = 0;
    /// A pull source's watermark: where its next pull starts ("" before the first success).
    virtual std::string watermark(const std::string& source) = 0;
    virtual void setWatermark(const std::string& source, const std::string& watermark) = 0;
    /// Records that a kept input at `path` was deleted, and why.
    virtual void recordInputDeletion(const std::string& path, const std::string& reason) = 0;
    /// When the kept input at `path` was last deleted, and why; empty when it never was.
    virtual std::optional<std::pair<std::string, std::string>> inputDeletion(
        const std::string& path) = 0;
    /// Records a freeze of `freeze.municipality` and returns its id, unless the municipality is
    /// frozen already, one of its transfers is queued or running, or its newest transfer is no
    /// longer `lastTransfer` (the last one its certificate covers): then nothing is recorded,
    /// and the reason is returned instead. One transaction, so that two freezes never both hold.
    virtual std::variant<std::int64_t, std::string> freezeMunicipality(
        const Freeze& freeze, std::int64_t lastTransfer) = 0;
    /// The newest transfer of `municipality` (0: none).
    virtual std::int64_t lastTransferOf(const std::string& municipality) = 0;
    /// Ends the freeze that holds for `municipality`; false when none does.
    virtual bool unfreezeMunicipality(const std::string& municipality, const std::string& by) = 0;
    /// The municipality's freezes, newest first (the first holds unless it was unfrozen).
    virtual std::vector<Freeze> freezesOf(const std::string& municipality) = 0;
    /// The transfer log summed up by source and state.
    virtual std::vector<SourceStats> sourceStats() = 0;
};

}  // namespace gw
