#pragma once

#include <array>
#include <initializer_list>
#include <string>
#include <string_view>

namespace gw {

/// A SHA-256 digest, most significant byte first.
using Sha256Digest = std::array<unsigned char, 32>;

/// SHA-256 of the parts, hashed one after another as if joined. OpenSSL's, which uses the CPU's
/// SHA instructions where it has them: the pipeline hashes every record it makes.
Sha256Digest sha256(std::initializer_list<std::string_view> parts);

/// The digest's first `bytes` bytes (all 32 by default) as lower-case hex digits, after `prefix`.
std::string hexOf(const Sha256Digest& digest, std::size_t bytes = 32, std::string_view prefix = {});

/// sha256 of `data` as 64 lower-case hex digits.
std::string sha256Hex(std::string_view data);

}  // namespace gw
