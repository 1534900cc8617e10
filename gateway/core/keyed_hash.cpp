#include "gateway/core/keyed_hash.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <array>
#include <memory>
#include <stdexcept>

#include "gateway/core/errors.h"

namespace gw {
namespace {

constexpr std::size_t kBlockSize = 64;  // SHA-256's

using Context = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

Context newContext() {
    Context context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!context) throw std::runtime_error("OpenSSL could not make a digest context");
    return context;
}

void check(bool ok) {
    if (!ok) throw std::runtime_error("OpenSSL could not compute an HMAC-SHA-256");
}

}  // namespace

/// SHA-256 states with the key's inner and outer pads already hashed (RFC 2104).
struct KeyedHash::Pads {
    Context inner = newContext();
    Context outer = newContext();
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
    const EVP_MD* sha256 = EVP_sha256();
    check(EVP_DigestInit_ex(pads->inner.get(), sha256, nullptr) == 1 &&
          EVP_DigestUpdate(pads->inner.get(), innerPad.data(), innerPad.size()) == 1 &&
          EVP_DigestInit_ex(pads->outer.get(), sha256, nullptr) == 1 &&
          EVP_DigestUpdate(pads->outer.get(), outerPad.data(), outerPad.size()) == 1);
    pads_ = std::move(pads);
}

Sha256Digest KeyedHash::digest(std::initializer_list<std::string_view> parts) const {
    thread_local const Context context = newContext();
    Sha256Digest inner{}, digest{};
    bool ok = EVP_MD_CTX_copy_ex(context.get(), pads_->inner.get()) == 1;
    for (auto part : parts)
        ok = ok && EVP_DigestUpdate(context.get(), part.data(), part.size()) == 1;
    ok = ok && EVP_DigestFinal_ex(context.get(), inner.data(), nullptr) == 1;
    ok = ok && EVP_MD_CTX_copy_ex(context.get(), pads_->outer.get()) == 1 &&
         EVP_DigestUpdate(context.get(), inner.data(), inner.size()) == 1 &&
         EVP_DigestFinal_ex(context.get(), digest.data(), nullptr) == 1;
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
