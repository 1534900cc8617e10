#pragma once

// HttpPuller: fetches a pull source's export over HTTP(S), with retries.

#include <atomic>
#include <string>

namespace gw {

/// Where and how a pull source fetches its export.
struct PullSettings {
    std::string url;
    /// The query parameter that carries the watermark (the start of the last successful pull,
    /// ISO 8601 UTC); the first pull asks for everything.
    std::string watermarkParameter;
    int timeoutSeconds = 30;     ///< connect and read timeout
    int attempts = 5;            ///< tries before the transfer fails
    int retryBaseMillis = 1000;  ///< the first backoff; doubles per try, plus jitter
};

/// Fetches a pull source's export over HTTP or HTTPS (Poco's clients; HTTPS verifies the server
/// against the system's CAs) into a file: changed since the watermark, with timeouts, and retries
/// with exponential backoff and jitter for what may pass (connection errors, 408, 429, 5xx).
class HttpPuller {
  public:
    /// Downloads into `path` and returns the watermark to keep once the export is stored: the
    /// UTC time the successful request started. Throws InputError when every attempt failed,
    /// or at once for an answer that retrying cannot change (another 4xx).
    static std::string pull(const PullSettings& source, const std::string& watermark,
                            const std::string& path, const std::atomic<bool>* stop);
};

}  // namespace gw
