#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "gateway/core/keyed_hash.h"
#include "gateway/mapping/mapping.h"

namespace gw {

/// The regional secret key (`identity.key` in the secrets file) in its two uses on the record
/// path: the regional client id and each record's content hash. Both are keyed, so that neither
/// can be tested against a guessed identity code by anyone without the key, wherever they go.
class RegionalKeys {
  public:
    /// Throws ConfigError for a key shorter than 32 characters.
    explicit RegionalKeys(std::string_view regionalKey);
    /// Keys of a random key of their own, for tools that run offline (gatewayctl map, check):
    /// their ids link records within one run only, never with the store's.
    static RegionalKeys throwaway();

    /// "c-" and 32 hex digits for the person (or scope) the parts name, hashed as if joined.
    std::string clientId(std::initializer_list<std::string_view> person) const;
    /// 64 hex digits over a record's content.
    std::string contentHash(std::string_view content) const;
    /// A value that tells two keys apart without giving either away; the store keeps it, so that
    /// a store is never written under two keys.
    std::string fingerprint() const;

  private:
    KeyedHash root_, clientIds_, contents_;
};

/// Completes a record for the store: its content (the body without provenance) written once as
/// the stored text and hashed there under `keys`; then `provenance`, with that hash, added to the
/// body (where the schema checks it) and to the text as its last member. `shared` keeps the
/// members that the records of one input share, prepared for the one sealed before; they are
/// prepared again when this record's differ.
void sealRecord(RegionalRecord& record, Provenance provenance, const RegionalKeys& keys,
                std::optional<SharedProvenance>& shared);

}  // namespace gw
