#pragma once

#include <stdexcept>
#include <string>

namespace gw {

/// A mistake in configuration or a mapping file: reported before any data is read.
class ConfigError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
    /// A mistake in the value of one configuration key: "key: message".
    ConfigError(std::string key, const std::string& message)
        : std::runtime_error(key + ": " + message), key_(std::move(key)) {}

    /// The key at fault; empty when the error names no single key.
    const std::string& key() const { return key_; }

  private:
    std::string key_;
};

/// An input that cannot be read any further (as opposed to one bad record in it).
class InputError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace gw
