#pragma once

#include <cstdint>
#include <memory>
#include <nlohmann/json.hpp>
#include <vector>

#include "gateway/mapping/transforms.h"
#include "gateway/model/regional_record.h"
#include "gateway/model/rejection.h"
#include "gateway/model/source_record.h"
#include "gateway/model/transfer_outcome.h"

namespace gw {

/// Where a pipeline puts what it made of each source record: the store, or stdout for a dry run.
///
/// A sink keeps records in two steps. A pipeline worker, on the core where a batch's records were
/// made, adds them to a Batch of the sink's own making, which keeps what the sink needs of them
/// (their texts, say) and lets the records go there. The pipeline's own thread then hands the
/// batch's source records to write() one by one, in input order, between quarantine()s. Records
/// that crossed to that thread whole cost a fifth of `gatewayctl map`'s CPU (4.35 against 3.52 µs
/// a record on bench/run-map.sh's export): another core's cache lines, read once and freed.
class RecordSink {
  public:
    /// What the sink keeps of a batch of source records' regional records.
    class Batch {
      public:
        virtual ~Batch() = default;
        /// Takes the regional records (with provenance) made of the batch's next stored source
        /// record. Runs on a worker thread.
        virtual void add(std::vector<RegionalRecord>&& records) = 0;
    };

    virtual ~RecordSink() = default;

    /// An empty batch. Called on worker threads, side by side: it must read nothing that the
    /// sink's other calls change.
    virtual std::unique_ptr<Batch> newBatch() const = 0;
    /// Keeps every regional record of the `index`-th source record added to `batch`, all or none.
    virtual void write(Batch& batch, std::size_t index) = 0;
    /// Keeps a source record that was turned away, with the reason.
    virtual void quarantine(const Rejection& rejection, const SourceRecord& source) = 0;
    /// Makes everything written so far durable and returns what is durable, counted by source
    /// record (`read` is theirs: stored + unchanged + rejected).
    virtual TransferCounts commit() = 0;
    /// Sees every record that reached the mapping, with what the mapping noted (unmapped codes),
    /// before it is written or quarantined. Only the dry run needs it.
    virtual void mapped(const SourceRecord& /*source*/, const MappingNotes& /*notes*/) {}
};

/// Writes one source record's regional records to `sink` through a batch of their own, on the
/// caller's thread: for records made one at a time outside a pipeline (re-keying, tools, tests).
void writeRecords(RecordSink& sink, std::vector<RegionalRecord> records);

/// A sink that takes each source record's regional records whole, on the pipeline's thread: for
/// sinks that read the records' bodies, where the cost of their crossing does not count.
class WholeRecordSink : public RecordSink {
  public:
    /// Keeps every regional record made from one source record (with provenance), all or none.
    virtual void write(const std::vector<RegionalRecord>& records) = 0;

    std::unique_ptr<Batch> newBatch() const final;
    void write(Batch& batch, std::size_t index) final;
};

}  // namespace gw
