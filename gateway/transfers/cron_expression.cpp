#include "gateway/transfers/cron_expression.h"

#include <Poco/NumberParser.h>
#include <Poco/StringTokenizer.h>

#include <ctime>
#include <vector>

#include "gateway/core/errors.h"

namespace gw {
namespace {

// Sets the values of one field ("1-5,10,*/15") in `bits`; true if the field is `*` alone.
template <std::size_t N>
bool parseField(const std::string& field, unsigned low, unsigned high, std::bitset<N>& bits,
                const std::string& name) {
    auto fail = [&] {
        throw ConfigError("cron " + name + " field '" + field + "' is not a list of values " +
                          std::to_string(low) + "-" + std::to_string(high) +
                          ", ranges, * or steps");
    };
    auto number = [&](const std::string& text) {
        unsigned value = 0;
        if (!Poco::NumberParser::tryParseUnsigned(text, value) || value < low || value > high)
            fail();
        return value;
    };
    Poco::StringTokenizer parts(field, ",", Poco::StringTokenizer::TOK_TRIM);
    for (const auto& part : parts) {
        if (part.empty()) fail();
        std::string range = part;
        unsigned step = 1;
        if (auto slash = part.find('/'); slash != std::string::npos) {
            range = part.substr(0, slash);
            if (!Poco::NumberParser::tryParseUnsigned(part.substr(slash + 1), step) || step == 0)
                fail();
        }
        unsigned from = low, to = high;
        if (range != "*") {
            auto dash = range.find('-');
            from = number(range.substr(0, dash));
            to = dash == std::string::npos ? (step > 1 ? high : from)
                                           : number(range.substr(dash + 1));
            if (from > to) fail();
        }
        for (unsigned value = from; value <= to; value += step) bits.set(value % N);
    }
    return field == "*";
}

}  // namespace

CronExpression CronExpression::parse(const std::string& text) {
    Poco::StringTokenizer fields(
        text, " \t", Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    if (fields.count() != 5)
        throw ConfigError("a cron expression has five fields: minute hour day month weekday");
    CronExpression cron;
    parseField(fields[0], 0, 59, cron.minutes_, "minute");
    parseField(fields[1], 0, 23, cron.hours_, "hour");
    cron.anyDay_ = parseField(fields[2], 1, 31, cron.days_, "day-of-month");
    parseField(fields[3], 1, 12, cron.months_, "month");
    std::bitset<8> weekdays;
    cron.anyWeekday_ = parseField(fields[4], 0, 7, weekdays, "day-of-week");
    for (unsigned day = 0; day < 7; ++day) cron.weekdays_[day] = weekdays[day];
    if (weekdays[7]) cron.weekdays_.set(0);
    return cron;
}

std::optional<std::chrono::system_clock::time_point> CronExpression::next(
    std::chrono::system_clock::time_point after) const {
    std::time_t t = std::chrono::system_clock::to_time_t(after);
    std::tm local{};
    localtime_r(&t, &local);
    local.tm_sec = 0;
    local.tm_min += 1;
    local.tm_isdst = -1;
    // Minute by minute, skipping whole hours and days that cannot match, for five years at most:
    // every expression that can match at all does within four (a 29 February).
    const std::time_t horizon = t + std::time_t(5) * 366 * 24 * 60 * 60;
    for (;;) {
        std::time_t candidate = std::mktime(&local);
        if (candidate > horizon) return std::nullopt;
        localtime_r(&candidate, &local);
        bool dayMatches = anyDay_ && anyWeekday_ ? true
                          : anyDay_              ? weekdays_[local.tm_wday]
                          : anyWeekday_          ? days_[local.tm_mday]
                                                 : days_[local.tm_mday] || weekdays_[local.tm_wday];
        if (!months_[local.tm_mon + 1] || !dayMatches) {
            local.tm_mday += 1;
            local.tm_hour = 0;
            local.tm_min = 0;
        } else if (!hours_[local.tm_hour]) {
            local.tm_hour += 1;
            local.tm_min = 0;
        } else if (!minutes_[local.tm_min]) {
            local.tm_min += 1;
        } else {
            return std::chrono::system_clock::from_time_t(candidate);
        }
        local.tm_isdst = -1;
    }
}

}  // namespace gw
