#pragma once

// Cutover: a municipality frozen at its cut-over, with its signed certificate.

#include <optional>
#include <string>
#include <variant>

#include "gateway/core/signing_key.h"
#include "gateway/store/store.h"

namespace gw {

/// Why nothing of `municipality` may run now: it was frozen for its cut-over (when, by whom);
/// empty when it is not frozen.
std::optional<std::string> frozenReason(TransferLog& log, const std::string& municipality);

/// A municipality's cut-over: frozen after its final transfer, with a certificate of what the
/// store then holds for it (per entity, the current records and their digest; the transfers it
/// covers; the time), signed with the gateway's Ed25519 key so that the county can check it with
/// `openssl pkeyutl -verify -rawin` and the public key. Unfreezing ends the freeze and so
/// invalidates the certificate; both stay on record.
class Cutover {
  public:
    Cutover(Store& store, SigningKey key, std::string instance)
        : store_(store), key_(std::move(key)), instance_(std::move(instance)) {}

    /// Freezes `municipality` on behalf of `by` (a token's name) and returns the freeze with its
    /// certificate, or why it was refused (frozen already, a transfer queued or running).
    std::variant<Freeze, std::string> freeze(const std::string& municipality,
                                             const std::string& by);
    /// Ends the freeze of `municipality`; false when it was not frozen. Logged at warning level.
    bool unfreeze(const std::string& municipality, const std::string& by);
    /// The municipality's freezes, newest first.
    std::vector<Freeze> history(const std::string& municipality) {
        return store_.freezesOf(municipality);
    }
    std::string publicKeyPem() const { return key_.publicKeyPem(); }

  private:
    Store& store_;
    SigningKey key_;
    std::string instance_;
};

}  // namespace gw
