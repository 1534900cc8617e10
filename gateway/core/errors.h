#pragma once

#include <stdexcept>

namespace gw {

/// A mistake in configuration or a mapping file: reported before any data is read.
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// An input that cannot be read any further (as opposed to one bad record in it).
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace gw
