#pragma once

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Timestamp.h>
#include <Poco/Types.h>

#include <cstdint>
#include <string>

namespace gw {

/// The time now as the SQL store writes it in its columns (ISO 8601 UTC, with fractions).
inline std::string utcNow() {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(),
                                           Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

/// A count as the SQL store's integer columns take it.
inline Poco::Int64 asInt(std::uint64_t n) {
    return static_cast<Poco::Int64>(n);
}

}  // namespace gw
