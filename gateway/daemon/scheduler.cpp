#include "gateway/daemon/scheduler.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Logger.h>
#include <Poco/NumberParser.h>

#include <boost/asio/executor_work_guard.hpp>

#include "gateway/core/errors.h"

namespace gw {
namespace {

std::string iso(std::chrono::system_clock::time_point when) {
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros),
                                           Poco::DateTimeFormat::ISO8601_FORMAT);
}

}  // namespace

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
    if (text.rfind("at ", 0) == 0) {
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
                      "' is neither 'every N{s,m,h,d}' nor 'at yyyy-mm-ddThh:mm:ssZ'");
}

Scheduler::Scheduler(TransferWorkers& workers, const std::vector<SourceSettings>& sources)
    : workers_(workers) {
    for (const auto& source : sources) {
        Schedule schedule;
        try {
            schedule = Schedule::parse(source.schedule);
        } catch (const ConfigError& e) {
            throw ConfigError("source '" + source.name + "': " + e.what());
        }
        entries_.emplace(source.name, Entry{&source, schedule, nullptr, false, std::nullopt});
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
    auto now = std::chrono::system_clock::now();
    std::optional<std::chrono::system_clock::time_point> next;
    if (entry.schedule.every) next = now + *entry.schedule.every;
    // A one-off time already past ran, or was missed while down: the run at start covers it.
    if (entry.schedule.at && *entry.schedule.at > now) next = *entry.schedule.at;
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
        if (entry.source->kind == "drop") {
            workers_.claimDropped(entry.source->name);
        } else if (entry.source->kind == "file" || entry.source->kind == "pull") {
            workers_.queue(entry.source->name);
        }
    } catch (const std::exception& e) {
        Poco::Logger::get("gateway.scheduler")
            .error("source '" + entry.source->name + "': scheduled run failed: " + e.what());
    }
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
        nlohmann::json source{
            {"name", name},
            {"kind", entry.source->kind},
            {"municipality", workers_.runner().mappingOf(*entry.source).municipality()},
            {"paused", entry.paused}};
        if (!entry.source->schedule.empty()) source["schedule"] = entry.source->schedule;
        if (entry.next) source["nextRunAt"] = iso(*entry.next);
        list.push_back(source);
    }
    return list;
}

}  // namespace gw
