#pragma once

// PushSource: the kind whose exports a municipal system pushes over HTTP, with its spool.

#include <cstdint>
#include <istream>

#include "gateway/sources/received_source.h"
#include "gateway/sources/source_registry.h"

namespace gw {

/// How a pushed body may arrive: at most `maxBytes`, and no slower than `minBytesPerSecond`
/// once `graceSeconds` have passed.
struct PushLimits {
    std::uint64_t maxBytes = 0;
    std::uint64_t minBytesPerSecond = 0;
    int graceSeconds = 0;
};

/// What became of a pushed body: durable in the spool under `input`, or refused, and why.
struct PushReceipt {
    enum class Outcome { Spooled, TooLarge, TooSlow, Truncated, NoSpace };
    Outcome outcome = Outcome::NoSpace;
    std::string reason;  ///< for a refusal, what the pusher is told
    std::string input;   ///< for a spooled body, the input its transfer reads

    bool spooled() const { return outcome == Outcome::Spooled; }
};

/// A source whose exports a municipal system pushes to POST /v1/push/{municipality}/{dataset}.
/// A body is durable in the spool (fsynced, then renamed into place) before it is acknowledged;
/// after its transfer it goes to the spool's archive/ or failed/.
class PushSource final : public ReceivedSource {
  public:
    PushSource(SourceSettings settings, Mapping mapping, const SourceOptions& options);

    static SourceKind kind();

    /// Whether pushes of `dataset` for `municipality` come to this source.
    bool receives(const std::string& municipality, const std::string& dataset) const;
    /// Spools a pushed body. Refused, leaving no file: a body longer than the limit or shorter
    /// than `declaredLength`, one that comes too slowly, and one the disk cannot take.
    PushReceipt accept(std::istream& body, std::optional<std::uint64_t> declaredLength,
                       const PushLimits& limits) const;

    std::vector<std::string> waitingInputs() const override;
    std::optional<std::string> exclusiveClaim() const override {
        return "pushes of dataset '" + dataset_ + "' for municipality " + mapping().municipality();
    }

  private:
    std::string dataset_;
};

}  // namespace gw
