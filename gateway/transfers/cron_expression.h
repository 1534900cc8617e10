#pragma once

#include <bitset>
#include <chrono>
#include <optional>
#include <string>

namespace gw {

/// A five-field cron expression (minute hour day-of-month month day-of-week) in the machine's
/// local time: `*`, numbers, ranges `a-b`, steps `*/n` and `a-b/n`, and lists of these. When both
/// day fields are restricted, a day matching either runs, as in cron. Sunday is 0 or 7.
class CronExpression {
  public:
    /// Throws ConfigError naming the field that does not parse.
    static CronExpression parse(const std::string& text);

    /// The first matching minute after `after`; nothing when none comes within 5 years.
    std::optional<std::chrono::system_clock::time_point> next(
        std::chrono::system_clock::time_point after) const;

  private:
    std::bitset<60> minutes_;
    std::bitset<24> hours_;
    std::bitset<32> days_;     // 1-31
    std::bitset<13> months_;   // 1-12
    std::bitset<7> weekdays_;  // 0-6, Sunday 0
    bool anyDay_ = true;
    bool anyWeekday_ = true;
};

}  // namespace gw
