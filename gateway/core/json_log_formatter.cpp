#include "gateway/core/json_log_formatter.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Message.h>

#include <nlohmann/json.hpp>

namespace gw {
namespace {

// Poco's priorities run from PRIO_FATAL (1) to PRIO_TRACE (8).
constexpr const char* kLevelNames[] = {"",       "fatal",       "critical", "error", "warning",
                                       "notice", "information", "debug",    "trace"};

}  // namespace

void JsonLogFormatter::format(const Poco::Message& message, std::string& text) {
    nlohmann::json line = {
        {"time", Poco::DateTimeFormatter::format(message.getTime(),
                                                 Poco::DateTimeFormat::ISO8601_FRAC_FORMAT)},
        {"level", kLevelNames[message.getPriority()]},
        {"logger", message.getSource()},
        {"message", message.getText()},
        {"pid", message.getPid()},
        {"thread", message.getTid()}};
    // Invalid UTF-8 in a message (a parser quoting a Latin-1 input) is replaced, never thrown.
    text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gw
