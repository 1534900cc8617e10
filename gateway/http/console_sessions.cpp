#include "gateway/http/console_sessions.h"

#include <algorithm>

#include "gateway/core/keyed_hash.h"
#include "gateway/core/sha256.h"

namespace gw {

ConsoleSessions::Started ConsoleSessions::start(const std::string& tokenSha256) {
    Started started{newSecretKey(), newSecretKey()};
    auto now = now_();
    std::lock_guard<std::mutex> lock(mutex_);
    if (sessions_.size() >= limits_.maxSessions) evictOldest();
    sessions_[sha256Hex(started.id)] = {{tokenSha256, started.csrfToken}, now, now};
    return started;
}

std::optional<ConsoleSessions::Session> ConsoleSessions::find(const std::string& id) {
    if (id.empty()) return std::nullopt;
    auto now = now_();
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = sessions_.find(sha256Hex(id));
    if (found == sessions_.end()) return std::nullopt;
    Entry& entry = found->second;
    if (now - entry.lastUsed >= limits_.idle || now - entry.started >= limits_.lifetime) {
        sessions_.erase(found);
        return std::nullopt;
    }
    entry.lastUsed = now;
    return entry.session;
}

void ConsoleSessions::end(const std::string& id) {
    std::lock_guard<std::mutex> lock(mutex_);
    sessions_.erase(sha256Hex(id));
}

void ConsoleSessions::evictOldest() {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
        return a.second.lastUsed < b.second.lastUsed;
    });
    if (oldest != sessions_.end()) sessions_.erase(oldest);
}

}  // namespace gw
