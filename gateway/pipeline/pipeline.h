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

/// What became of the records of one input. read == stored + unchanged + rejected always holds
/// for the records the pipeline got to.
struct TransferCounts {
    std::uint64_t read = 0;
    std::uint64_t stored = 0;
    std::uint64_t unchanged = 0;
    std::uint64_t rejected = 0;

    nlohmann::json toJson() const;
};

/// The end of one run of a pipeline over one input.
struct TransferResult {
    TransferCounts counts;
    std::optional<std::string> error;  ///< set when the input could not be read to its end
    bool interrupted = false;          ///< a stop was requested before the end
};

/// One municipality's path through the gateway: adapter, mapping, validation, sink. Stateless
/// between runs; one instance may serve many inputs.
class Pipeline {
  public:
    /// Throws ConfigError when the mapping names an adapter, adapter options or an entity the
    /// gateway does not have.
    Pipeline(const Mapping& mapping, const RecordValidator& validator,
             const ClientIdentity& clients);

    /// Reads `input` to its end (or until `stop` becomes true), sending every record to `sink`
    /// as stored or quarantined, and commits. Sink failures propagate as exceptions.
    TransferResult run(std::istream& input, const std::string& inputName, std::int64_t transferId,
                       RecordSink& sink, const std::atomic<bool>* stop = nullptr) const;

  private:
    // Maps, validates and writes (or quarantines) one source record.
    void process(const SourceRecord& source, std::int64_t transferId, RecordSink& sink,
                 TransferCounts& counts,
                 const std::function<void(Stage, Fault, const SourceRecord&)>& reject) const;
    std::optional<Fault> firstFault(const std::vector<RegionalRecord>& records) const;
    void enrich(RegionalRecord& record, const SourcePosition& position, std::int64_t transferId,
                const std::vector<std::string>& warnings) const;

    const Mapping& mapping_;
    const RecordValidator& validator_;
    const ClientIdentity& clients_;
};

}  // namespace gw
