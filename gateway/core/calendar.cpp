#include "gateway/core/calendar.h"

#include <Poco/DateTime.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>

namespace gw {
namespace {

bool isLeapYear(int year) {
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

int daysInMonth(int year, int month) {
    static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return kDays[month - 1] + (month == 2 && isLeapYear(year) ? 1 : 0);
}

bool parseIso(const std::string& text, int& year, int& month, int& day) {
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') return false;
    for (std::size_t i : {0, 1, 2, 3, 5, 6, 8, 9}) {
        if (text[i] < '0' || text[i] > '9') return false;
    }
    year = std::stoi(text.substr(0, 4));
    month = std::stoi(text.substr(5, 2));
    day = std::stoi(text.substr(8, 2));
    return isRealDate(year, month, day);
}

}  // namespace

bool isRealDate(int year, int month, int day) {
    return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

std::string isoDate(int year, int month, int day) {
    // By hand: this runs for every date of every record, and formatting through a stream or
    // Poco::format costs more than the rest of the date's mapping.
    std::string text = "0000-00-00";
    for (int i = 3; i >= 0; --i, year /= 10) text[static_cast<std::size_t>(i)] += year % 10;
    text[5] += month / 10;
    text[6] += month % 10;
    text[8] += day / 10;
    text[9] += day % 10;
    return text;
}

std::optional<long> dayNumber(const std::string& isoDate) {
    int year = 0, month = 0, day = 0;
    if (!parseIso(isoDate, year, month, day)) return std::nullopt;
    // Days from civil (H. Hinnant's algorithm), proleptic Gregorian calendar.
    long y = year - (month <= 2 ? 1 : 0);
    long era = (y >= 0 ? y : y - 399) / 400;
    long yearOfEra = y - era * 400;
    long dayOfYear = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
    long dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + dayOfEra - 719468;
}

std::optional<std::string> addMonths(const std::string& isoDate, int months) {
    int year = 0, month = 0, day = 0;
    if (!parseIso(isoDate, year, month, day)) return std::nullopt;
    int index = year * 12 + (month - 1) + months;
    year = index / 12;
    month = index % 12 + 1;
    day = std::min(day, daysInMonth(year, month));
    return gw::isoDate(year, month, day);
}

std::string todayIso() {
    Poco::DateTime now;
    return isoDate(now.year(), now.month(), now.day());
}

std::string isoTime(std::chrono::system_clock::time_point when) {
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(when.time_since_epoch()).count();
    return Poco::DateTimeFormatter::format(Poco::Timestamp(micros),
                                           Poco::DateTimeFormat::ISO8601_FORMAT);
}

std::string utcNow() {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(),
                                           Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

}  // namespace gw
