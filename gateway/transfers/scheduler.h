#pragma once

// Scheduler: fires each source's schedule and watches its deliveries.

#include <boost/asio/io_context.hpp>
#include <boost/asio/system_timer.hpp>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "gateway/transfers/cron_expression.h"
#include "gateway/transfers/transfer_workers.h"

namespace gw {

/// A source's schedule: every so often, by a cron expression, or once at a time (the cut-over).
struct Schedule {
    std::optional<std::chrono::seconds> every;
    std::optional<CronExpression> cron;
    std::optional<std::chrono::system_clock::time_point> at;

    /// "every 30s" (s, m, h or d), "cron 0 6 * * 1-5", "at 2022-12-31T18:00:00Z", or "" (no
    /// schedule). Throws ConfigError for anything else.
    static Schedule parse(const std::string& text);
    /// A source's schedule; throws ConfigError naming its key.
    static Schedule ofSource(const SourceSettings& source);
    /// A source's expectEvery as a duration; throws ConfigError naming its key.
    static std::chrono::seconds expectedEvery(const SourceSettings& source);
    /// When it fires next after `now`; nothing when it never will.
    std::optional<std::chrono::system_clock::time_point> next(
        std::chrono::system_clock::time_point now) const;
};

/// Fires each source's schedule on Boost.Asio timers (one thread): queues what is due (a run of a
/// source that reads an input of its own, the inputs that arrived at one that receives them). A
/// paused source is skipped until resumed; pausing is this instance's own and lasts until it stops.
/// Also watches deliveries: a source with `expectEvery` and no successful transfer for that long is
/// late.
class Scheduler {
  public:
    /// Throws ConfigError for a source whose schedule or expectEvery does not parse.
    Scheduler(TransferWorkers& workers, TransferLog& log, const ConfiguredSources& sources);
    ~Scheduler();

    void start();
    void stop();

    /// False when no source has that name.
    bool setPaused(const std::string& source, bool paused);
    /// Every source: name, kind, municipality, schedule, paused, next run, late.
    nlohmann::json describe() const;
    /// Whether each source with an expected delivery interval is late now, by name.
    std::map<std::string, bool> lateness() const;

  private:
    struct Entry {
        const Source* source;
        Schedule schedule;
        std::unique_ptr<boost::asio::system_timer> timer;
        bool paused = false;
        std::optional<std::chrono::system_clock::time_point> next;
        std::optional<std::chrono::seconds> expectEvery;
        bool late = false;
    };

    void arm(Entry& entry);
    void fire(Entry& entry);
    void armLatenessCheck();
    void checkLateness();

    TransferWorkers& workers_;
    TransferLog& log_;
    std::chrono::system_clock::time_point started_;
    std::chrono::seconds latenessPeriod_{60};
    // The timers below use io_, so they are declared after it and destroyed before it.
    boost::asio::io_context io_;
    std::map<std::string, Entry> entries_;  // by source name
    std::unique_ptr<boost::asio::system_timer> latenessTimer_;
    mutable std::mutex mutex_;
    std::thread thread_;
};

}  // namespace gw
