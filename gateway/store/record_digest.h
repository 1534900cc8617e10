#pragma once

#include <array>
#include <cstdint>
#include <string>

namespace gw {

/// A digest of a set of regional records that does not depend on their order: the sum, modulo
/// 2^256, of the SHA-256 of each record's "entity TAB source record id TAB content hash". The
/// county can compute the same from a feed and compare it with `gatewayctl reconcile`.
class RecordDigest {
  public:
    RecordDigest() = default;
    /// Continues from a digest in hex, as `hex()` wrote it ("" for an empty set).
    static RecordDigest fromHex(const std::string& hex);

    void add(const std::string& entity, const std::string& sourceRecordId,
             const std::string& contentHash);
    void add(const RecordDigest& other);
    /// 64 hex digits.
    std::string hex() const;

  private:
    void addBigEndian(const unsigned char* bytes);

    std::array<unsigned char, 32> sum_{};  // big-endian
};

}  // namespace gw
