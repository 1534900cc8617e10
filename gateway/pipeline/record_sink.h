#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "gateway/core/rejection.h"
#include "gateway/core/source_record.h"
#include "gateway/mapping/mapping.h"

namespace gw {

/// What became of the source records of one input. read == stored + unchanged + rejected holds
/// for every transfer that reconciles.
struct TransferCounts {
    std::uint64_t read = 0;
    std::uint64_t stored = 0;     ///< at least one regional record made from it was new or changed
    std::uint64_t unchanged = 0;  ///< every regional record made from it was already stored
    std::uint64_t rejected = 0;

    bool addsUp() const { return read == stored + unchanged + rejected; }
    nlohmann::json toJson() const;
};

/// Where a pipeline puts what it made of each source record: the store, or stdout for a dry run.
class RecordSink {
  public:
    virtual ~RecordSink() = default;

    /// Keeps every regional record made from one source record (with provenance), all or none.
    virtual void write(const std::vector<RegionalRecord>& records) = 0;
    /// Keeps a source record that was turned away, with the reason.
    virtual void quarantine(const Rejection& rejection, const SourceRecord& source) = 0;
    /// Makes everything written so far durable and returns what is durable, counted by source
    /// record (`read` is theirs: stored + unchanged + rejected).
    virtual TransferCounts commit() = 0;
    /// Sees every record that reached the mapping, with what the mapping noted (unmapped codes),
    /// before it is written or quarantined. Only the dry run needs it.
    virtual void mapped(const SourceRecord& /*source*/, const MappingNotes& /*notes*/) {}
};

}  // namespace gw
