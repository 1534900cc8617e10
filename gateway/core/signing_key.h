#pragma once

#include <memory>
#include <string>

namespace gw {

/// An Ed25519 key that signs what the gateway certifies (a municipality's cut-over certificate),
/// so that anyone holding its public key can check it with `openssl pkeyutl -verify -rawin`. The
/// key is kept in the secrets file as the base64 of its 32 raw private bytes. Safe to use from
/// many threads at once.
class SigningKey {
  public:
    /// Throws ConfigError when `base64` is not 32 bytes of base64.
    explicit SigningKey(const std::string& base64);

    /// A new random key, as the base64 of its 32 raw bytes.
    static std::string generate();

    /// The 64-byte Ed25519 signature of `message`.
    std::string sign(const std::string& message) const;
    /// The public key as a PEM SubjectPublicKeyInfo, as `openssl pkeyutl -pubin` reads it.
    std::string publicKeyPem() const;

  private:
    struct Key;
    std::shared_ptr<const Key> key_;
};

}  // namespace gw
