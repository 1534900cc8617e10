#pragma once

#include <initializer_list>
#include <memory>
#include <string>
#include <string_view>

#include "gateway/core/sha256.h"

namespace gw {

/// HMAC-SHA-256 under one secret key: the only way the gateway hashes anything that holds
/// personal data, so that nobody without the key can test a guess (an identity code is one of
/// about 40 million) against a hash. The key's pads are hashed once, here; each digest then costs
/// two SHA-256 runs over the message and one block. Safe to use from many threads at once; copies
/// share the pads.
class KeyedHash {
  public:
    /// Throws ConfigError for a key shorter than 32 bytes.
    explicit KeyedHash(std::string_view key);

    /// The HMAC of the parts, hashed one after another as if joined.
    Sha256Digest digest(std::initializer_list<std::string_view> parts) const;
    /// digest() as 64 lower-case hex digits.
    std::string hex(std::initializer_list<std::string_view> parts) const;
    /// A key of its own for one purpose (HMAC of `purpose` under this key), so that one secret
    /// serves several purposes whose hashes can never be compared with each other.
    std::string derive(std::string_view purpose) const;

  private:
    struct Pads;
    std::shared_ptr<const Pads> pads_;
};

/// A new random key: 32 bytes from the system's random source, as 64 hex digits.
std::string newSecretKey();

}  // namespace gw
