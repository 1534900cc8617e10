#pragma once

#include <Poco/Formatter.h>

namespace gw {

/// Formats a log message as one JSON object on one line, for log shippers:
/// {"time": "...Z", "level": "warning", "logger": "gateway.transfer", "message": "...",
/// "pid": 123, "thread": 4}. It sits behind the masking channel like the text format, so that
/// identity codes are masked in it exactly as in text lines.
class JsonLogFormatter : public Poco::Formatter {
  public:
    void format(const Poco::Message& message, std::string& text) override;
};

}  // namespace gw
