#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "gateway/daemon/gateway_settings.h"
#include "gateway/mapping/mapping.h"
#include "gateway/pipeline/client_identity.h"
#include "gateway/store/store.h"
#include "gateway/validation/record_validator.h"

namespace gw {

/// Runs transfers of the configured sources into the store: one input of one source, through its
/// mapping, logged in the store's transfer log.
class TransferRunner {
  public:
    /// Loads every source's mapping up front, so that a bad mapping stops the daemon at start.
    /// Client ids and content hashes are made under `keys`.
    TransferRunner(const GatewaySettings& settings, Store& store, const RegionalKeys& keys);

    const std::vector<SourceSettings>& sources() const { return settings_.sources; }
    const SourceSettings* findSource(const std::string& name) const;
    const Mapping& mappingOf(const SourceSettings& source) const;
    const RecordValidator& validator() const { return validator_; }
    const ClientIdentity& clients() const { return clients_; }
    /// The input name a transfer of a file source logs (the file name of its export).
    static std::string inputName(const SourceSettings& source);
    /// The push source of a municipality's dataset, if one is configured.
    const SourceSettings* findPushSource(const std::string& municipality,
                                         const std::string& dataset) const;

    /// Makes the input `input` of `source` ready for a new transfer: a pushed or dropped export
    /// filed away in archive/ or failed/ is put back where its transfer reads it. False when it is
    /// no longer kept (deleted after archive.keepDays), and for a pull, whose input is fetched
    /// anew by every run.
    bool restoreInput(const SourceSettings& source, const std::string& input) const;
    /// Files away the input of a finished transfer that a stop left where its transfer read it
    /// (between the transfer's end and its filing).
    void fileAwayFinished(const SourceSettings& source, const TransferInfo& transfer) const;
    /// The inputs of push and drop sources that wait where their transfer reads them (source,
    /// input): each was acknowledged, or claimed, and not filed away yet.
    std::vector<std::pair<std::string, std::string>> waitingInputs() const;

    /// Runs one transfer of `source` now and returns it as logged. Never throws for bad input or
    /// a failing store: the transfer is then logged as failed with the reason.
    TransferInfo run(const SourceSettings& source, const std::atomic<bool>* stop = nullptr);
    /// Runs a transfer this instance claimed from the queue, the same way.
    TransferInfo runClaimed(const TransferInfo& claimed, const std::atomic<bool>* stop = nullptr);
    /// How many transfers in a row failed, by source (this instance's; reset by a success). From
    /// kUnhealthyAfter on, each failure logs the source as unhealthy at error level.
    std::map<std::string, int> consecutiveFailures() const;
    /// The upper bounds (seconds) of the transfer-duration histogram's buckets.
    static constexpr std::array<double, 8> kDurationBuckets = {1, 5, 15, 60, 300, 900, 3600, 14400};
    /// How long this instance's transfers took, by source: counts per bucket (not cumulative).
    struct Durations {
        std::array<std::uint64_t, kDurationBuckets.size()> counts{};
        std::uint64_t count = 0;
        double sum = 0;
    };
    std::map<std::string, Durations> durations() const;
    static constexpr int kUnhealthyAfter = 3;

  private:
    /// The file transfer `id` of `source` over input `input` reads: a pull is fetched into the
    /// spool first, as its transfer's own file.
    std::string inputPath(std::int64_t id, const SourceSettings& source,
                          const std::string& input) const;
    TransferInfo execute(std::int64_t id, const SourceSettings& source, const std::string& input,
                         const std::atomic<bool>* stop);
    void noteOutcome(const SourceSettings& source, const TransferInfo& transfer, double seconds);
    /// A pushed or dropped export whose transfer ended goes to archive/ or, with the reason, to
    /// failed/ (beside processing/ for a drop folder, in the spool for a push).
    void fileAway(const SourceSettings& source, const std::string& path,
                  const TransferInfo& transfer) const;

    const GatewaySettings& settings_;
    Store& store_;
    RecordValidator validator_;
    ClientIdentity clients_;
    std::map<std::string, Mapping> mappings_;  // by source name
    mutable std::mutex mutex_;
    std::map<std::string, int> consecutiveFailures_;
    std::map<std::string, Durations> durations_;
};

}  // namespace gw
