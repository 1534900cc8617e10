#include "gateway/core/keyed_hash.h"

// SHA-256's low-level interface, deprecated in OpenSSL 3 in favour of EVP: a pre-keyed state
// is then a plain struct that each digest copies, where EVP_MD_CTX_copy_ex allocates, copies
// through the provider and frees for each of an HMAC's two runs. The pipeline takes two HMACs
// per record. The block function (and the CPU's SHA instructions) are the same either way.
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "gateway/core/errors.h"

namespace gw {
namespace {

constexpr std::size_t kBlockSize = 64;  // SHA-256's

void check(bool ok) {
    if (!ok) throw std::runtime_error("OpenSSL could not compute an HMAC-SHA-256");
}

}  // namespace

/// SHA-256 states with the key's inner and outer pads already hashed (RFC 2104).
struct KeyedHash::Pads {
    SHA256_CTX inner;
    SHA256_CTX outer;
};

KeyedHash::KeyedHash(std::string_view key) {
    if (key.size() < 32) throw ConfigError("a secret key must be at least 32 characters long");
    std::array<unsigned char, kBlockSize> block{};
    if (key.size() > kBlockSize) {
        Sha256Digest hashed = sha256({key});
        std::copy(hashed.begin(), hashed.end(), block.begin());
    } else {
        std::copy(key.begin(), key.end(), block.begin());
    }
    std::array<unsigned char, kBlockSize> innerPad{}, outerPad{};
    for (std::size_t i = 0; i < kBlockSize; ++i) {
        innerPad[i] = block[i] ^ 0x36;
        outerPad[i] = block[i] ^ 0x5c;
    }
    auto pads = std::make_shared<Pads>();
    check(SHA256_Init(&pads->inner) == 1 &&
          SHA256_Update(&pads->inner, innerPad.data(), innerPad.size()) == 1 &&
          SHA256_Init(&pads->outer) == 1 &&
          SHA256_Update(&pads->outer, outerPad.data(), outerPad.size()) == 1);
    pads_ = std::move(pads);
}

Sha256Digest KeyedHash::digest(std::initializer_list<std::string_view> parts) const {
    Sha256Digest inner{}, digest{};
    SHA256_CTX context = pads_->inner;
    bool ok = true;
    for (auto part : parts) ok = ok && SHA256_Update(&context, part.data(), part.size()) == 1;
    ok = ok && SHA256_Final(inner.data(), &context) == 1;
    context = pads_->outer;
    ok = ok && SHA256_Update(&context, inner.data(), inner.size()) == 1 &&
         SHA256_Final(digest.data(), &context) == 1;
    check(ok);
    return digest;
}

std::string KeyedHash::hex(std::initializer_list<std::string_view> parts) const {
    return hexOf(digest(parts));
}

std::string KeyedHash::derive(std::string_view purpose) const {
    return hex({purpose});
}

std::string newSecretKey() {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1)
        throw std::runtime_error("the system's random source failed");
    Sha256Digest asDigest{};
    std::copy(bytes.begin(), bytes.end(), asDigest.begin());
    return hexOf(asDigest);
}

}  // namespace gw
