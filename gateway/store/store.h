#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "gateway/store/feed_read_audit.h"
#include "gateway/store/record_store.h"
#include "gateway/store/transfer_log.h"

namespace gw {

/// One database holding the gateway's state, by job: the transfer log and queue, the records and
/// the quarantine, and the audit log of reads; besides them, what the store keeps about itself.
/// A backend implements it whole (gateway/store/sqlite/, gateway/store/postgres/); each part of
/// the gateway takes the job it needs. Every method may be called from any thread.
class Store : public TransferLog, public RecordStore, public FeedReadAudit {
  public:
    /// How long a write that finds the database locked by another writer is tried again (with
    /// backoff) before it fails.
    virtual void retryLockedWritesFor(std::chrono::milliseconds limit) = 0;
    /// A value the store keeps about itself (empty when never set), and setting it.
    virtual std::string setting(const std::string& name) = 0;
    virtual void setSetting(const std::string& name, const std::string& value) = 0;
};

}  // namespace gw
