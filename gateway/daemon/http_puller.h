#pragma once

#include <atomic>
#include <string>

#include "gateway/daemon/gateway_settings.h"

namespace gw {

/// Fetches a pull source's export over HTTP or HTTPS (Poco's clients; HTTPS verifies the server
/// against the system's CAs) into a file: changed since the watermark, with timeouts, and retries
/// with exponential backoff and jitter for what may pass (connection errors, 408, 429, 5xx).
class HttpPuller {
  public:
    /// Downloads into `path` and returns the watermark to keep once the export is stored: the
    /// UTC time the successful request started. Throws InputError when every attempt failed,
    /// or at once for an answer that retrying cannot change (another 4xx).
    static std::string pull(const SourceSettings& source, const std::string& watermark,
                            const std::string& path, const std::atomic<bool>* stop);
};

}  // namespace gw
