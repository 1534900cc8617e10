#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>

#include "gateway/pipeline/client_identity.h"
#include "gateway/settings/gateway_settings.h"
#include "gateway/sources/configured_sources.h"
#include "gateway/store/store.h"
#include "gateway/validation/record_validator.h"

namespace gw {

/// Runs transfers of the configured sources into the store: one input of one source, through its
/// mapping, logged in the store's transfer log.
class TransferRunner {
  public:
    /// Makes every source of `registry`'s kinds and loads its mapping up front, so that a bad
    /// source or mapping stops the daemon at start. Client ids and content hashes are made under
    /// `keys`.
    TransferRunner(const GatewaySettings& settings, Store& store, const RegionalKeys& keys,
                   const SourceRegistry& registry = builtinSources());

    const GatewaySettings& settings() const { return settings_; }
    const ConfiguredSources& sources() const { return sources_; }
    const RecordValidator& validator() const { return validator_; }
    const ClientIdentity& clients() const { return clients_; }

    /// Runs one transfer of `source` over the input it reads when asked (see
    /// Source::requestedInput) now, and returns it as logged. Never throws for bad input or a
    /// failing store: the transfer is then logged as failed with the reason.
    TransferInfo run(const Source& source, const std::atomic<bool>* stop = nullptr);
    /// Runs a transfer this instance claimed from the queue, the same way; a re-run
    /// (TransferInfo::reprocessOf) reads the kept input of the transfer it names, where it lies.
    TransferInfo runClaimed(const TransferInfo& claimed, const std::atomic<bool>* stop = nullptr);
    /// Where a re-run of the finished transfer `original` reads its input: the first of its
    /// source's kept paths that exists. Throws InputError saying why when none does (deleted
    /// after archive.keepDays: when and why) or when its source is not configured.
    std::string keptInputOf(const TransferInfo& original) const;
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
    /// Runs transfer `id` of `source` over `input`; when `reprocessOf` is a transfer (not 0),
    /// over that transfer's kept input instead, which is neither fetched nor filed away.
    TransferInfo execute(std::int64_t id, const Source& source, const std::string& input,
                         std::int64_t reprocessOf, const std::atomic<bool>* stop);
    void noteOutcome(const Source& source, const TransferInfo& transfer, double seconds);

    const GatewaySettings& settings_;
    Store& store_;
    RecordValidator validator_;
    ClientIdentity clients_;
    ConfiguredSources sources_;
    mutable std::mutex mutex_;
    std::map<std::string, int> consecutiveFailures_;
    std::map<std::string, Durations> durations_;
};

}  // namespace gw
