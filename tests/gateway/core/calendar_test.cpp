#include "gateway/core/calendar.h"

#include <gtest/gtest.h>

namespace gw {
namespace {

TEST(Calendar, KnowsLeapYears) {
    EXPECT_TRUE(isRealDate(2000, 2, 29));
    EXPECT_FALSE(isRealDate(2001, 2, 29));
    EXPECT_FALSE(isRealDate(1900, 2, 29));
    EXPECT_FALSE(isRealDate(2021, 4, 31));
    EXPECT_FALSE(isRealDate(2021, 13, 1));
}

TEST(Calendar, CountsDaysBetweenIsoDates) {
    EXPECT_EQ(dayNumber("1970-01-01"), 0);
    EXPECT_EQ(*dayNumber("2022-12-31") - *dayNumber("2022-01-01"), 364);
    EXPECT_EQ(*dayNumber("2021-03-01") - *dayNumber("2020-03-01"), 365);
    EXPECT_FALSE(dayNumber("2021-02-29"));
    EXPECT_FALSE(dayNumber("31.12.2022"));
}

TEST(Calendar, AddsMonthsClampingToTheMonthsEnd) {
    EXPECT_EQ(addMonths("2021-08-31", 6), "2022-02-28");
    EXPECT_EQ(addMonths("2020-01-15", 12), "2021-01-15");
    EXPECT_EQ(addMonths("2020-11-30", 3), "2021-02-28");
    EXPECT_FALSE(addMonths("nonsense", 1));
}

}  // namespace
TEST(Calendar, FormatsIsoDatesWithLeadingZeros) {
    EXPECT_EQ(isoDate(2021, 3, 9), "2021-03-09");
    EXPECT_EQ(isoDate(987, 12, 31), "0987-12-31");
    EXPECT_EQ(isoDate(2000, 10, 10), "2000-10-10");
}

}  // namespace gw
