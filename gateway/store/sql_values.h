#pragma once

#include <Poco/Types.h>

#include <cstdint>
#include <string>

#include "gateway/core/calendar.h"

namespace gw {

/// A count as the SQL store's integer columns take it.
inline Poco::Int64 asInt(std::uint64_t n) {
    return static_cast<Poco::Int64>(n);
}

}  // namespace gw
