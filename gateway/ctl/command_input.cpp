#include "gateway/ctl/command_input.h"

#include <Poco/Path.h>

#include <iostream>

#include "gateway/core/errors.h"

namespace gw {

CommandInput::CommandInput(const std::string& argument)
    : standardInput_(argument == "-"),
      name_(standardInput_ ? "stdin" : Poco::Path(argument).getFileName()) {
    if (!standardInput_) {
        file_.open(argument, std::ios::binary);
        if (!file_) throw ConfigError("cannot open " + argument);
    }
}

std::istream& CommandInput::stream() {
    if (standardInput_) return std::cin;
    return file_;
}

}  // namespace gw
