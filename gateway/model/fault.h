#pragma once

#include <string>

namespace gw {

/// A broken rule found in one record: which rule, which field, and a message safe to log.
struct Fault {
    std::string rule;
    std::string field;
    std::string message;
};

}  // namespace gw
