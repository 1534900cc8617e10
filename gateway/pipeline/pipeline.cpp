#include "gateway/pipeline/pipeline.h"

#include <Poco/Logger.h>

#include <algorithm>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <deque>
#include <future>
#include <memory>
#include <sstream>
#include <thread>

#include "adapters/adapter.h"
#include "gateway/core/errors.h"

namespace gw {
namespace {

// Records go to the worker threads in batches of this many, and at most this many batches per
// thread are in flight: enough to keep the threads busy while the sink waits for the disk to
// commit, few enough to keep memory flat. Each hand-over may wake a thread, which on a virtual
// machine costs tens of microseconds of system time: with batches of 64 that was a tenth of the
// record path's CPU (bench/run-map.sh).
constexpr std::size_t kBatchSize = 256;
constexpr std::size_t kBatchesInFlightPerThread = 4;

// What a source record holds in memory, roughly: its texts and a string's overhead per text.
std::size_t bytesOf(const SourceRecord& record) {
    std::size_t bytes = sizeof(SourceRecord);
    for (const auto& [name, value] : record.fields) bytes += name.size() + value.size() + 64;
    return bytes;
}

void prefetchFields(const SourceRecord& record) {
    const auto* fields = reinterpret_cast<const char*>(record.fields.data());
    std::size_t bytes = record.fields.size() * sizeof(record.fields.front());
    for (std::size_t line = 0; line < bytes; line += 64) __builtin_prefetch(fields + line);
}

}  // namespace

/// What became of one source record: stored, or turned away and why.
struct Pipeline::Outcome {
    SourceRecord source;
    std::optional<MappingNotes> notes;   ///< set when the record reached the mapping
    std::optional<Rejection> rejection;  ///< unset: its regional records went to the sink's batch
};

/// A batch of source records as a worker hands it back: what became of each, and what the sink
/// keeps of the regional records of those stored.
struct Pipeline::Processed {
    std::vector<Outcome> outcomes;
    std::unique_ptr<RecordSink::Batch> stored;
};

Pipeline::Pipeline(const Mapping& mapping, const RecordValidator& validator,
                   const ClientIdentity& clients, unsigned threads, std::size_t maxBytesInFlight)
    : mapping_(mapping),
      validator_(validator),
      clients_(clients),
      threads_(std::max(1u, threads)),
      maxBytesInFlight_(maxBytesInFlight) {
    // An adapter over nothing: its format and options are checked now, before any input.
    std::istringstream nothing;
    try {
        builtinAdapters().create(mapping.format(), nothing, mapping.file(), mapping.inputOptions());
    } catch (const ConfigError& e) {
        throw ConfigError(mapping.file() + ": input: " + e.what());
    }
    for (const auto& entity : mapping.entityNames()) {
        if (!validator.knows(entity)) {
            throw ConfigError(mapping.file() + ": no regional schema for entity '" + entity + "'");
        }
    }
}

unsigned Pipeline::defaultThreads() {
    return std::max(1u, std::thread::hardware_concurrency());
}

TransferResult Pipeline::run(std::istream& input, const std::string& inputName,
                             std::int64_t transferId, RecordSink& sink,
                             const std::atomic<bool>* stop) const {
    auto& log = Poco::Logger::get("gateway.pipeline");
    TransferResult result;
    auto adapter =
        builtinAdapters().create(mapping_.format(), input, inputName, mapping_.inputOptions());

    // The adapter and the sink work on this thread, in input order; mapping and validation,
    // most of the work, run on the pool's threads, a batch at a time.
    boost::asio::thread_pool workers(threads_);
    // Batches handed to the workers, oldest first, with the bytes of their source records.
    std::deque<std::pair<std::future<Processed>, std::size_t>> inFlight;
    std::size_t bytesInFlight = 0, batchBytes = 0;
    // A batch is handed over early when its records are large, so that the budget holds several.
    const std::size_t maxBatchBytes =
        std::max<std::size_t>(1, maxBytesInFlight_ / (threads_ * kBatchesInFlightPerThread));
    std::vector<SourceRecord> batch;
    std::vector<SourceRecord> spare;  // delivered records, whose buffers the adapter reuses
    auto deliverOldest = [&] {
        Processed processed = inFlight.front().first.get();
        bytesInFlight -= inFlight.front().second;
        inFlight.pop_front();
        std::size_t stored = 0;
        for (Outcome& outcome : processed.outcomes) {
            if (outcome.notes) sink.mapped(outcome.source, *outcome.notes);
            if (!outcome.rejection) {
                sink.write(*processed.stored, stored++);
            } else {
                if (log.debug()) {
                    log.debug(inputName + " record " +
                              std::to_string(outcome.source.position.record) + " quarantined by " +
                              outcome.rejection->rule + ": " + outcome.rejection->message);
                }
                sink.quarantine(*outcome.rejection, outcome.source);
            }
            if (spare.size() < kBatchSize) spare.push_back(std::move(outcome.source));
        }
        // A worker frees the delivered batch: this thread reads and writes for all of them.
        boost::asio::post(workers, [finished = std::move(processed)] {});
    };
    auto dispatch = [&] {
        if (batch.empty()) return;
        auto task = std::make_shared<std::packaged_task<Processed()>>(
            [this, records = std::move(batch), transferId, &sink]() mutable {
                return process(std::move(records), transferId, sink);
            });
        batch = {};
        inFlight.emplace_back(task->get_future(), batchBytes);
        bytesInFlight += batchBytes;
        batchBytes = 0;
        boost::asio::post(workers, [task] { (*task)(); });
        while (inFlight.size() > threads_ * kBatchesInFlightPerThread ||
               (bytesInFlight > maxBytesInFlight_ && inFlight.size() > 1))
            deliverOldest();
    };

    std::uint64_t read = 0;
    try {
        adapter->read([&](SourceRecord& source) {
            ++read;
            batchBytes += bytesOf(source);
            batch.push_back(std::move(source));
            if (!spare.empty()) {
                source = std::move(spare.back());
                spare.pop_back();
            }
            if (batch.size() == kBatchSize || batchBytes >= maxBatchBytes) dispatch();
            if (stop && stop->load()) {
                result.interrupted = true;
                return false;
            }
            return true;
        });
    } catch (const InputError& e) {
        result.error = e.what();
    }
    dispatch();
    while (!inFlight.empty()) deliverOldest();
    result.counts = sink.commit();
    result.counts.read = read;
    return result;
}

Pipeline::Processed Pipeline::process(std::vector<SourceRecord> batch, std::int64_t transferId,
                                      const RecordSink& sink) const {
    Processed processed{{}, sink.newBatch()};
    processed.outcomes.reserve(batch.size());
    std::optional<SharedProvenance> shared;
    for (std::size_t i = 0; i < batch.size(); ++i) {
        // The adapter wrote the records on another core: the next one's fields (and the one
        // after's place in the batch) are fetched into this core's cache while this record is
        // mapped, rather than missed one by one.
        if (i + 2 < batch.size()) __builtin_prefetch(&batch[i + 2]);
        if (i + 1 < batch.size()) prefetchFields(batch[i + 1]);
        processed.outcomes.push_back(
            process(std::move(batch[i]), transferId, shared, *processed.stored));
    }
    return processed;
}

Pipeline::Outcome Pipeline::process(SourceRecord source, std::int64_t transferId,
                                    std::optional<SharedProvenance>& shared,
                                    RecordSink::Batch& stored) const {
    Outcome outcome;
    if (source.error) {
        outcome.rejection = Rejection::from(
            Stage::Read, Fault{source.error->rule, "", source.error->message}, source.position);
        outcome.source = std::move(source);
        return outcome;
    }
    MappingResult mapped = mapping_.apply(source);
    if (mapped.fault) {
        outcome.rejection = Rejection::from(Stage::Map, std::move(*mapped.fault), source.position);
    } else {
        // Enriched first: what is validated is the record exactly as it will be stored.
        for (auto& record : mapped.records)
            enrich(record, source.position, transferId, mapped.notes.warnings, shared);
        if (std::optional<Fault> invalid = firstFault(mapped.records)) {
            outcome.rejection =
                Rejection::from(Stage::Validate, std::move(*invalid), source.position);
        } else {
            stored.add(std::move(mapped.records));
        }
    }
    outcome.notes = std::move(mapped.notes);
    outcome.source = std::move(source);
    return outcome;
}

std::optional<Fault> Pipeline::firstFault(const std::vector<RegionalRecord>& records) const {
    for (const auto& record : records) {
        if (auto fault = validator_.validate(record, records)) return fault;
    }
    return std::nullopt;
}

void Pipeline::enrich(RegionalRecord& record, const SourcePosition& position,
                      std::int64_t transferId, const std::vector<std::string>& warnings,
                      std::optional<SharedProvenance>& shared) const {
    clients_.assign(record, mapping_.municipality(), mapping_.sourceSystem());
    Provenance provenance;
    provenance.sourceMunicipality = mapping_.municipality();
    provenance.sourceSystem = mapping_.sourceSystem();
    provenance.sourceRecordId = record.sourceRecordId;
    provenance.input = position.input;
    provenance.line = position.line;
    provenance.record = position.record;
    provenance.transferId = transferId;
    provenance.mapping = mapping_.name();
    provenance.mappingVersion = mapping_.version();
    provenance.warnings = warnings;
    sealRecord(record, std::move(provenance), clients_.keys(), shared);
}

}  // namespace gw
