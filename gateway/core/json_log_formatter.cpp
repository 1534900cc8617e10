#include "gateway/core/json_log_formatter.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Message.h>

#include <nlohmann/json.hpp>

namespace gw {
namespace {

const char* levelName(Poco::Message::Priority priority) {
    switch (priority) {
        case Poco::Message::PRIO_FATAL:
            return "fatal";
        case Poco::Message::PRIO_CRITICAL:
            return "critical";
        case Poco::Message::PRIO_ERROR:
            return "error";
        case Poco::Message::PRIO_WARNING:
            return "warning";
        case Poco::Message::PRIO_NOTICE:
            return "notice";
        case Poco::Message::PRIO_INFORMATION:
            return "information";
        case Poco::Message::PRIO_DEBUG:
            return "debug";
        case Poco::Message::PRIO_TRACE:
            return "trace";
    }
    return "information";
}

}  // namespace

void JsonLogFormatter::format(const Poco::Message& message, std::string& text) {
    nlohmann::json line = {
        {"time", Poco::DateTimeFormatter::format(message.getTime(),
                                                 Poco::DateTimeFormat::ISO8601_FRAC_FORMAT)},
        {"level", levelName(message.getPriority())},
        {"logger", message.getSource()},
        {"message", message.getText()},
        {"pid", message.getPid()},
        {"thread", message.getTid()}};
    // Invalid UTF-8 in a message (a parser quoting a Latin-1 input) is replaced, never thrown.
    text = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace gw
