#include "gateway/core/signing_key.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>

#include <stdexcept>
#include <vector>

#include "gateway/core/errors.h"

namespace gw {

struct SigningKey::Key {
    EVP_PKEY* pkey = nullptr;
    ~Key() { EVP_PKEY_free(pkey); }
};

namespace {

constexpr std::size_t kKeyBytes = 32;

std::string toBase64(const unsigned char* bytes, std::size_t size) {
    std::string text(4 * ((size + 2) / 3), '\0');
    int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(text.data()), bytes,
                                  static_cast<int>(size));
    text.resize(static_cast<std::size_t>(written));
    return text;
}

}  // namespace

SigningKey::SigningKey(const std::string& base64) {
    std::vector<unsigned char> raw(3 * (base64.size() / 4) + 3);
    int decoded = EVP_DecodeBlock(raw.data(), reinterpret_cast<const unsigned char*>(base64.data()),
                                  static_cast<int>(base64.size()));
    // EVP_DecodeBlock counts the padding's zero bytes: 32 bytes are 44 characters, one '='.
    if (base64.size() != 44 || decoded != 33 || base64.back() != '=')
        throw ConfigError("the signing key must be the base64 of 32 bytes");
    auto key = std::make_shared<Key>();
    key->pkey = EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, raw.data(), kKeyBytes);
    if (!key->pkey) throw ConfigError("OpenSSL refused the signing key");
    key_ = std::move(key);
}

std::string SigningKey::generate() {
    unsigned char raw[kKeyBytes];
    if (RAND_bytes(raw, sizeof raw) != 1)
        throw std::runtime_error("the system's random source failed");
    return toBase64(raw, sizeof raw);
}

std::string SigningKey::sign(const std::string& message) const {
    std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                    EVP_MD_CTX_free);
    std::string signature(64, '\0');
    std::size_t length = signature.size();
    // Ed25519 hashes the message itself: no digest is named, and the message is signed whole.
    bool ok =
        context && EVP_DigestSignInit(context.get(), nullptr, nullptr, nullptr, key_->pkey) == 1 &&
        EVP_DigestSign(context.get(), reinterpret_cast<unsigned char*>(signature.data()), &length,
                       reinterpret_cast<const unsigned char*>(message.data()), message.size()) == 1;
    if (!ok || length != 64) throw std::runtime_error("OpenSSL could not sign with Ed25519");
    return signature;
}

std::string SigningKey::publicKeyPem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> out(BIO_new(BIO_s_mem()), BIO_free);
    if (!out || PEM_write_bio_PUBKEY(out.get(), key_->pkey) != 1)
        throw std::runtime_error("OpenSSL could not write the public key");
    char* data = nullptr;
    long size = BIO_get_mem_data(out.get(), &data);
    return std::string(data, static_cast<std::size_t>(size));
}

}  // namespace gw
