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

    const ConfiguredSources& sources() const { return sources_; }
    const RecordValidator& validator() const { return validator_; }
    const ClientIdentity& clients() const { return clients_; }

    /// Runs one transfer of `source` over the input it reads when asked (see
    /// Source::requestedInput) now, and returns it as logged. Never throws for bad input or a
    /// failing store: the transfer is then logged as failed with the reason.
    TransferInfo run(const Source& source, const std::atomic<bool>* stop = nullptr);
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
    TransferInfo execute(std::int64_t id, const Source& source, const std::string& input,
                         const std::atomic<bool>* stop);
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
