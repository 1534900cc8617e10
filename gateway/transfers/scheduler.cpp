#include "gateway/transfers/scheduler.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Logger.h>
#include <Poco/NumberParser.h>
#include <Poco/RegularExpression.h>

#include <algorithm>
#include <boost/asio/executor_work_guard.hpp>
#include <map>

#include "gateway/core/calendar.h"
#include "gateway/core/errors.h"
#include "gateway/store/store.h"
#include "gateway/transfers/cutover.h"

namespace gw {

Schedule Schedule::parse(const std::string& text) {
    Schedule schedule;
    if (text.empty()) return schedule;
    if (text.rfind("every ", 0) == 0 && text.size() > 7) {
        std::string number = text.substr(6, text.size() - 7);
        unsigned value = 0;
        static const std::map<char, long> unit = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}};
        auto found = unit.find(text.back());
        if (found != unit.end() && Poco::NumberParser::tryParseUnsigned(number, value) &&
            value > 0) {
            schedule.every = std::chrono::seconds(value * found->second);
            return schedule;
        }
    }
    if (text.rfind("cron ", 0) == 0) {
        schedule.cron = CronExpression::parse(text.substr(5));
        return schedule;
    }
    static const Poco::RegularExpression isoTime(
        "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})$");
    if (text.rfind("at ", 0) == 0 && isoTime.match(text.substr(3))) {
        Poco::DateTime when;
        int zone = 0;
        if (Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FORMAT, text.substr(3),
                                           when, zone)) {
            when.makeUTC(zone);
            schedule.at = std::chrono::system_clock::time_point(
                std::chrono::microseconds(when.timestamp().epochMicroseconds()));
            return schedule;
        }
    }
    throw ConfigError("schedule '" + text +
                      "' is none of 'every N{s,m,h,d}', 'cron M H D M W', "
                      "'at yyyy-mm-ddThh:mm:ssZ'");
}

Schedule Schedule::ofSource(const SourceSettings& source) {
    try {
        return parse(source.schedule);
    } catch (const ConfigError& e) {
        throw ConfigError("source." + source.name + ".schedule", e.what());
    }
}

std::chrono::seconds Schedule::expectedEvery(const SourceSettings& source) {
    try {
        return *parse("every " + source.expectEvery).every;
    } catch (const ConfigError&) {
        throw ConfigError("source." + source.name + ".expectEvery",
                          "'" + source.expectEvery + "' is not N{s,m,h,d}");
    }
}

std::optional<std::chrono::system_clock::time_point> Schedule::next(
    std::chrono::system_clock::time_point now) const {
    if (every) return now + *every;
    if (cron) return cron->next(now);
    // A one-off time already past ran, or was missed while down: the run at start covers it.
    if (at && *at > now) return *at;
    return std::nullopt;
}

Scheduler::Scheduler(TransferWorkers& workers, TransferLog& log, const ConfiguredSources& sources)
    : workers_(workers), log_(log), started_(std::chrono::system_clock::now()) {
    for (const auto& configured : sources.all()) {
        const SourceSettings& source = configured->settings();
        Entry entry{configured.get(), {}, nullptr, false, std::nullopt, std::nullopt, false};
        entry.schedule = Schedule::ofSource(source);
        if (!source.expectEvery.empty()) {
            entry.expectEvery = Schedule::expectedEvery(source);
            // Checked ten times per interval, at least every minute.
            latenessPeriod_ = std::max(std::chrono::seconds(1),
                                       std::min(latenessPeriod_, *entry.expectEvery / 10));
        }
        entries_.emplace(source.name, std::move(entry));
    }
}

Scheduler::~Scheduler() {
    stop();
}

void Scheduler::start() {
    for (auto& [name, entry] : entries_) {
        entry.timer = std::make_unique<boost::asio::system_timer>(io_);
        arm(entry);
    }
    latenessTimer_ = std::make_unique<boost::asio::system_timer>(io_);
    armLatenessCheck();
    thread_ = std::thread([this] {
        auto guard = boost::asio::make_work_guard(io_);
        io_.run();
    });
}

void Scheduler::stop() {
    io_.stop();
    if (thread_.joinable()) thread_.join();
}

void Scheduler::arm(Entry& entry) {
    auto next = entry.schedule.next(std::chrono::system_clock::now());
    {
        std::lock_guard<std::mutex> lock(mutex_);
        entry.next = next;
    }
    if (!next) return;
    entry.timer->expires_at(*next);
    entry.timer->async_wait([this, &entry](const boost::system::error_code& error) {
        if (error) return;
        fire(entry);
        arm(entry);
    });
}

void Scheduler::fire(Entry& entry) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (entry.paused) return;
    }
    try {
        workers_.queueDue(entry.source->name());
    } catch (const std::exception& e) {
        Poco::Logger::get("gateway.scheduler")
            .error("source '" + entry.source->name() + "': scheduled run failed: " + e.what());
    }
}

void Scheduler::armLatenessCheck() {
    latenessTimer_->expires_after(latenessPeriod_);
    latenessTimer_->async_wait([this](const boost::system::error_code& error) {
        if (error) return;
        checkLateness();
        armLatenessCheck();
    });
}

void Scheduler::checkLateness() {
    std::map<std::string, std::chrono::system_clock::time_point> lastSuccess;
    // A municipality frozen for its cut-over is expected to deliver nothing more. Each
    // municipality is asked once, however many of its sources expect deliveries.
    std::map<std::string, bool> frozen;
    try {
        lastSuccess = lastSuccesses(log_.sourceStats());
        for (const auto& [name, entry] : entries_) {
            const std::string& municipality = entry.source->mapping().municipality();
            if (entry.expectEvery && !frozen.count(municipality))
                frozen[municipality] = frozenReason(log_, municipality).has_value();
        }
    } catch (const std::exception& e) {
        Poco::Logger::get("gateway.scheduler")
            .error(std::string("cannot check deliveries: ") + e.what());
        return;
    }
    auto now = std::chrono::system_clock::now();
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [name, entry] : entries_) {
        if (!entry.expectEvery) continue;
        auto found = lastSuccess.find(name);
        // Before the first delivery, the clock starts with the daemon.
        auto since = found == lastSuccess.end() ? started_ : found->second;
        bool late =
            now - since > *entry.expectEvery && !frozen[entry.source->mapping().municipality()];
        if (late && !entry.late) {
            Poco::Logger::get("gateway.scheduler")
                .error("source '" + name + "': delivery late: none succeeded since " +
                       isoTime(since) + ", one expected every " +
                       entry.source->settings().expectEvery);
        }
        entry.late = late;
    }
}

std::map<std::string, bool> Scheduler::lateness() const {
    std::lock_guard<std::mutex> lock(mutex_);
    std::map<std::string, bool> late;
    for (const auto& [name, entry] : entries_) {
        if (entry.expectEvery) late[name] = entry.late;
    }
    return late;
}

bool Scheduler::setPaused(const std::string& source, bool paused) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = entries_.find(source);
    if (found == entries_.end()) return false;
    found->second.paused = paused;
    return true;
}

nlohmann::json Scheduler::describe() const {
    std::lock_guard<std::mutex> lock(mutex_);
    nlohmann::json list = nlohmann::json::array();
    for (const auto& [name, entry] : entries_) {
        const SourceSettings& settings = entry.source->settings();
        nlohmann::json source{{"name", name},
                              {"kind", settings.kind},
                              {"municipality", entry.source->mapping().municipality()},
                              {"mapping", entry.source->mapping().name()},
                              {"mappingVersion", entry.source->mapping().version()},
                              {"paused", entry.paused}};
        if (!settings.schedule.empty()) source["schedule"] = settings.schedule;
        if (entry.next) source["nextRunAt"] = isoTime(*entry.next);
        if (entry.expectEvery) {
            source["expectEvery"] = settings.expectEvery;
            source["late"] = entry.late;
        }
        list.push_back(source);
    }
    return list;
}

}  // namespace gw
