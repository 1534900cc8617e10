#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace gw {

/// Whether day.month.year names a day of the Gregorian calendar.
bool isRealDate(int year, int month, int day);

/// yyyy-mm-dd for a year from 0 to 9999 and a month and day in range.
std::string isoDate(int year, int month, int day);

/// Days since 1970-01-01 of an ISO 8601 date (yyyy-mm-dd); nothing when it is not one.
std::optional<long> dayNumber(const std::string& isoDate);

/// The ISO date `months` months after `isoDate`, the day clamped to the month's end
/// (2021-08-31 plus 6 months is 2022-02-28). Nothing when `isoDate` is not a date.
std::optional<std::string> addMonths(const std::string& isoDate, int months);

/// Today's date in UTC, ISO 8601.
std::string todayIso();

/// The time now in UTC, ISO 8601 with microseconds ("2026-12-01T18:00:00.123456Z"): how the
/// store stamps what it writes, so that such times compare as text.
std::string utcNow();

/// A moment in UTC, ISO 8601 to the second ("2026-12-01T18:00:00Z").
std::string isoTime(std::chrono::system_clock::time_point when);

}  // namespace gw
