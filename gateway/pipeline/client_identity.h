#pragma once

#include <string>

#include "gateway/mapping/mapping.h"

namespace gw {

/// Gives every client reference its regional client id, so that records about one person link up
/// across municipalities, and flags temporary identity codes.
class ClientIdentity {
  public:
    /// With `linkTemporaryCodes` false (production), a temporary or test code (individual number
    /// 900-999) gets an id of its own per source municipality and system, never shared with
    /// another source's. The bundled demo declares its test codes linkable.
    explicit ClientIdentity(bool linkTemporaryCodes) : linkTemporaryCodes_(linkTemporaryCodes) {}

    /// Sets client.clientId and client.temporaryIdentityCode when client.identityCode is valid
    /// (an invalid one is left for the rule set to reject). A client record is keyed by its id.
    void assign(RegionalRecord& record, const std::string& municipality,
                const std::string& sourceSystem) const;

  private:
    bool linkTemporaryCodes_;
};

}  // namespace gw
