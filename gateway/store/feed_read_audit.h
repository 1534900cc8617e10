#pragma once

// FeedReadAudit: the store's job of keeping the audit log of reads of personal data.

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gw {

/// One attempt to read personal data (a county feed, a transfer's rejects), as the audit log
/// keeps it: refused attempts too.
struct FeedRead {
    std::int64_t id = 0;
    std::string readAt;
    std::string reader;  ///< the token's name; empty when no valid token was presented
    std::string entity;  ///< the feed's entity; empty for other resources
    std::string view;    ///< full or pseudonymised; for other resources, what was read
    std::int64_t after = 0;
    std::int64_t last = 0;
    std::int64_t records = 0;
    std::string address;   ///< the client's IP address
    int status = 200;      ///< the HTTP status it was answered with
    std::string resource;  ///< the path asked for, without its query

    nlohmann::json toJson() const;
};

/// The audit log of every attempt to read personal data. Every method may be called from any
/// thread.
class FeedReadAudit {
  public:
    virtual ~FeedReadAudit() = default;

    /// Writes one attempt to the audit log; throws when it cannot, so that what cannot be audited
    /// is not served.
    virtual void logFeedRead(const FeedRead& read) = 0;
    /// The audit log with id greater than `after`, oldest first.
    virtual std::vector<FeedRead> listFeedReads(std::int64_t after, std::size_t limit) = 0;
};

}  // namespace gw
