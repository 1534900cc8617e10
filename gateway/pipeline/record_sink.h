#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <vector>

#include "gateway/mapping/transforms.h"
#include "gateway/model/regional_record.h"
#include "gateway/model/rejection.h"
#include "gateway/model/source_record.h"
#include "gateway/model/transfer_outcome.h"

namespace gw {

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
