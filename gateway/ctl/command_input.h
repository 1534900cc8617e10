#pragma once

#include <fstream>
#include <istream>
#include <string>

namespace gw {

/// The INPUT argument of a gatewayctl verb: a file, or "-" for standard input.
class CommandInput {
  public:
    /// Throws ConfigError when the file cannot be opened.
    explicit CommandInput(const std::string& argument);

    std::istream& stream();
    /// The file's name (no folders), or "stdin": how positions name the input.
    const std::string& name() const { return name_; }

  private:
    bool standardInput_;
    std::ifstream file_;
    std::string name_;
};

}  // namespace gw
