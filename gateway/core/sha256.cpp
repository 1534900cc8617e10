#include "gateway/core/sha256.h"

#include <openssl/evp.h>

#include <algorithm>
#include <memory>
#include <stdexcept>

namespace gw {
namespace {

// Fetched once: asking OpenSSL 3 for an algorithm by name on every digest costs more than
// hashing a record.
const EVP_MD* sha256Algorithm() {
    static const std::unique_ptr<EVP_MD, decltype(&EVP_MD_free)> algorithm(
        EVP_MD_fetch(nullptr, "SHA256", nullptr), &EVP_MD_free);
    if (!algorithm) throw std::runtime_error("OpenSSL has no SHA-256");
    return algorithm.get();
}

}  // namespace

Sha256Digest sha256(std::initializer_list<std::string_view> parts) {
    thread_local const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(
        EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    Sha256Digest digest{};
    bool ok = context && EVP_DigestInit_ex2(context.get(), sha256Algorithm(), nullptr) == 1;
    for (auto part : parts) {
        ok = ok && EVP_DigestUpdate(context.get(), part.data(), part.size()) == 1;
    }
    ok = ok && EVP_DigestFinal_ex(context.get(), digest.data(), nullptr) == 1;
    if (!ok) throw std::runtime_error("OpenSSL could not compute a SHA-256 digest");
    return digest;
}

std::string hexOf(const Sha256Digest& digest, std::size_t bytes, std::string_view prefix) {
    static constexpr char kDigits[] = "0123456789abcdef";
    std::size_t count = std::min(bytes, digest.size());
    std::string hex(prefix.size() + count * 2, '0');
    prefix.copy(hex.data(), prefix.size());
    char* out = hex.data() + prefix.size();
    for (std::size_t i = 0; i < count; ++i) {
        *out++ = kDigits[digest[i] >> 4];
        *out++ = kDigits[digest[i] & 0x0f];
    }
    return hex;
}

std::string sha256Hex(std::string_view data) {
    return hexOf(sha256({data}));
}

}  // namespace gw
