#pragma once

#include <string>

#include "gateway/mapping/mapping.h"
#include "gateway/pipeline/regional_keys.h"

namespace gw {

/// Gives every client reference its regional client id, so that records about one person link up
/// across municipalities, and flags temporary identity codes. The id is keyed (RegionalKeys) and
/// made from the whole code, century sign included: since 2023 the sign tells people apart.
class ClientIdentity {
  public:
    /// With `linkTemporaryCodes` false (production), a temporary or test code (individual number
    /// 900-999) gets an id of its own per source municipality and system, never shared with
    /// another source's. The bundled demo declares its test codes linkable.
    ClientIdentity(bool linkTemporaryCodes, const RegionalKeys& keys)
        : linkTemporaryCodes_(linkTemporaryCodes), keys_(keys) {}

    /// Sets client.clientId and client.temporaryIdentityCode when client.identityCode is valid
    /// (an invalid one is left for the rule set to reject). A client record is keyed by its id.
    void assign(RegionalRecord& record, const std::string& municipality,
                const std::string& sourceSystem) const;
    /// The keys the ids are made under, which also hash each record's content.
    const RegionalKeys& keys() const { return keys_; }

  private:
    bool linkTemporaryCodes_;
    const RegionalKeys& keys_;
};

}  // namespace gw
