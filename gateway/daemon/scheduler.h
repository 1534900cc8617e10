#pragma once

#include <boost/asio/io_context.hpp>
#include <boost/asio/system_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "gateway/daemon/transfer_workers.h"

namespace gw {

/// A source's schedule: every so often, or once at a time (the cut-over).
struct Schedule {
    std::optional<std::chrono::seconds> every;
    std::optional<std::chrono::system_clock::time_point> at;

    /// "every 30s" (s, m, h or d), "at 2022-12-31T18:00:00Z", or "" (no schedule). Throws
    /// ConfigError for anything else.
    static Schedule parse(const std::string& text);
};

/// Fires each source's schedule on Boost.Asio timers (one thread): queues a transfer of a file
/// source, or claims the ready files of a drop folder. A paused source is skipped until resumed.
/// Pausing is this instance's own and lasts until it stops.
class Scheduler {
  public:
    /// Throws ConfigError for a source whose schedule does not parse.
    Scheduler(TransferWorkers& workers, const std::vector<SourceSettings>& sources);
    ~Scheduler();

    void start();
    void stop();

    /// False when no source has that name.
    bool setPaused(const std::string& source, bool paused);
    /// Every source: name, kind, municipality, schedule, paused, next run.
    nlohmann::json describe() const;

  private:
    struct Entry {
        const SourceSettings* source;
        Schedule schedule;
        std::unique_ptr<boost::asio::system_timer> timer;
        bool paused = false;
        std::optional<std::chrono::system_clock::time_point> next;
    };

    void arm(Entry& entry);
    void fire(Entry& entry);

    TransferWorkers& workers_;
    boost::asio::io_context io_;
    std::map<std::string, Entry> entries_;  // by source name
    mutable std::mutex mutex_;
    std::thread thread_;
};

}  // namespace gw
