#pragma once

namespace gw {

/// Whether day.month.year names a day of the Gregorian calendar.
bool isRealDate(int year, int month, int day);

}  // namespace gw
