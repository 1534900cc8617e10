#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <istream>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "gateway/mapping/mapping.h"
#include "gateway/pipeline/client_identity.h"
#include "gateway/pipeline/record_sink.h"
#include "gateway/validation/record_validator.h"

namespace gw {

/// One municipality's path through the gateway: adapter, mapping, validation, sink. Stateless
/// between runs; one instance may serve many inputs.
class Pipeline {
  public:
    /// Throws ConfigError when the mapping names an adapter, adapter options or an entity the
    /// gateway does not have. `threads` map and validate records side by side (the machine's
    /// cores by default); the sink still sees every record in input order.
    /// At most `maxBytesInFlight` bytes of source records are read ahead of the sink, whatever
    /// the size of each record.
    Pipeline(const Mapping& mapping, const RecordValidator& validator,
             const ClientIdentity& clients, unsigned threads = defaultThreads(),
             std::size_t maxBytesInFlight = kDefaultMaxBytesInFlight);

    static constexpr std::size_t kDefaultMaxBytesInFlight = 64 << 20;

    /// Reads `input` to its end (or until `stop` becomes true), sending every record to `sink`
    /// as stored or quarantined, and commits. Sink failures propagate as exceptions.
    TransferResult run(std::istream& input, const std::string& inputName, std::int64_t transferId,
                       RecordSink& sink, const std::atomic<bool>* stop = nullptr) const;

    static unsigned defaultThreads();

  private:
    struct Outcome;
    struct Processed;

    // Maps, validates and serialises one batch of source records, on a worker thread, and adds
    // the regional records of those stored to a batch of `sink`'s.
    Processed process(std::vector<SourceRecord> batch, std::int64_t transferId,
                      const RecordSink& sink) const;
    // `shared` is the batch's provenance members as sealRecord() keeps them.
    Outcome process(SourceRecord source, std::int64_t transferId,
                    std::optional<SharedProvenance>& shared, RecordSink::Batch& stored) const;
    std::optional<Fault> firstFault(const std::vector<RegionalRecord>& records) const;
    void enrich(RegionalRecord& record, const SourcePosition& position, std::int64_t transferId,
                const std::vector<std::string>& warnings,
                std::optional<SharedProvenance>& shared) const;

    const Mapping& mapping_;
    const RecordValidator& validator_;
    const ClientIdentity& clients_;
    unsigned threads_;
    std::size_t maxBytesInFlight_;
};

}  // namespace gw
