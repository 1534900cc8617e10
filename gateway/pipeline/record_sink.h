#pragma once

#include <vector>

#include "gateway/core/rejection.h"
#include "gateway/core/source_record.h"
#include "gateway/mapping/mapping.h"

namespace gw {

/// Where a pipeline puts what it made of each source record: the store, or stdout for a dry run.
class RecordSink {
  public:
    enum class Outcome { Stored, Unchanged };

    virtual ~RecordSink() = default;

    /// Keeps every regional record made from one source record (with provenance), all or none.
    virtual Outcome write(const std::vector<RegionalRecord>& records) = 0;
    /// Keeps a source record that was turned away, with the reason.
    virtual void quarantine(const Rejection& rejection, const SourceRecord& source) = 0;
    /// Makes everything written so far durable.
    virtual void commit() = 0;
    /// Sees every record that reached the mapping, with what the mapping noted (unmapped codes),
    /// before it is written or quarantined. Only the dry run needs it.
    virtual void mapped(const SourceRecord& /*source*/, const MappingNotes& /*notes*/) {}
};

}  // namespace gw
