#pragma once

#include <chrono>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace gw {

/// The console's sign-in sessions: a person signs in once with a token, and from then on a
/// random session id, kept in an HttpOnly cookie, stands for that token until it is signed out,
/// left idle too long, or has lived its lifetime. Only the token's SHA-256 is kept, so that a
/// token revoked in the secrets file ends its sessions at the next request. Each session has a
/// CSRF token of its own, which every request that changes something must carry in a header.
/// Sessions live in this instance's memory: a restart signs everyone out.
class ConsoleSessions {
  public:
    using Clock = std::chrono::steady_clock;
    struct Limits {
        std::chrono::minutes idle{20};
        std::chrono::minutes lifetime{12 * 60};
        std::size_t maxSessions = 10000;  ///< beyond it, the least recently used ends
    };
    struct Session {
        std::string tokenSha256;
        std::string csrfToken;
    };
    struct Started {
        std::string id;  ///< the cookie's value: never logged, kept here only as its SHA-256
        std::string csrfToken;
    };

    explicit ConsoleSessions(Limits limits, std::function<Clock::time_point()> now = Clock::now)
        : limits_(limits), now_(std::move(now)) {}

    Started start(const std::string& tokenSha256);
    /// The live session with this id, its idle time restarted; nothing when there is none, or
    /// when it has expired (it then ends).
    std::optional<Session> find(const std::string& id);
    void end(const std::string& id);
    const Limits& limits() const { return limits_; }

  private:
    struct Entry {
        Session session;
        Clock::time_point started;
        Clock::time_point lastUsed;
    };
    void evictOldest();

    Limits limits_;
    std::function<Clock::time_point()> now_;
    std::mutex mutex_;
    std::unordered_map<std::string, Entry> sessions_;  ///< by the SHA-256 of the id
};

}  // namespace gw
