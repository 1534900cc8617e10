#include "gateway/transfers/scheduler.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <ctime>

#include "gateway/core/errors.h"

namespace gw {
namespace {

using Clock = std::chrono::system_clock;

/// A local time, as the machine's clock would show it.
Clock::time_point local(int year, int month, int day, int hour, int minute) {
    std::tm tm{};
    tm.tm_year = year - 1900;
    tm.tm_mon = month - 1;
    tm.tm_mday = day;
    tm.tm_hour = hour;
    tm.tm_min = minute;
    tm.tm_isdst = -1;
    return Clock::from_time_t(std::mktime(&tm));
}

TEST(Schedule, ParsesIntervalsOneOffsAndCron) {
    EXPECT_EQ(Schedule::parse("every 30s").every, std::chrono::seconds(30));
    EXPECT_EQ(Schedule::parse("every 2h").every, std::chrono::seconds(7200));
    EXPECT_EQ(Schedule::parse("every 1d").every, std::chrono::seconds(86400));
    auto cutOver = Schedule::parse("at 2022-12-31T18:00:00Z").at;
    ASSERT_TRUE(cutOver);
    EXPECT_EQ(Clock::to_time_t(*cutOver), 1672509600);
    EXPECT_TRUE(Schedule::parse("cron 0 6 * * 1-5").cron);
    EXPECT_FALSE(Schedule::parse("").next(Clock::now()));
    for (const char* bad : {"every", "every 0s", "every 5y", "at yesterday", "cron 0 6 * *",
                            "cron 60 * * * *", "cron */0 * * * *", "cron 5-1 * * * *", "daily"})
        EXPECT_THROW(Schedule::parse(bad), ConfigError) << bad;
}

TEST(Schedule, AOneOffTimeInThePastNeverFiresAgain) {
    auto schedule = Schedule::parse("at 2022-12-31T18:00:00Z");
    EXPECT_FALSE(schedule.next(*schedule.at + std::chrono::seconds(1)));
    EXPECT_EQ(schedule.next(*schedule.at - std::chrono::hours(1)), schedule.at);
}

TEST(CronExpression, FindsTheNextMatchingMinute) {
    // Friday 2026-11-20 17:30 local time.
    auto friday = local(2026, 11, 20, 17, 30);
    auto weekdaysAtSix = CronExpression::parse("0 6 * * 1-5");
    EXPECT_EQ(weekdaysAtSix.next(friday), local(2026, 11, 23, 6, 0)) << "Monday";
    EXPECT_EQ(CronExpression::parse("*/15 * * * *").next(friday), local(2026, 11, 20, 17, 45));
    EXPECT_EQ(CronExpression::parse("30 17 * * *").next(friday), local(2026, 11, 21, 17, 30))
        << "strictly after";
    EXPECT_EQ(CronExpression::parse("0 0 1 1 *").next(friday), local(2027, 1, 1, 0, 0));
    EXPECT_EQ(CronExpression::parse("0 12 * * 0").next(friday), local(2026, 11, 22, 12, 0));
    EXPECT_EQ(CronExpression::parse("0 12 * * 7").next(friday), local(2026, 11, 22, 12, 0))
        << "7 is Sunday too";
    // Both day fields restricted: either matches (the 1st, or a Monday).
    EXPECT_EQ(CronExpression::parse("0 8 1 * 1").next(friday), local(2026, 11, 23, 8, 0));
    EXPECT_EQ(CronExpression::parse("0 8 1,15 * *").next(friday), local(2026, 12, 1, 8, 0));
    EXPECT_FALSE(CronExpression::parse("0 0 31 2 *").next(friday)) << "no 31 February";
}

}  // namespace
}  // namespace gw
