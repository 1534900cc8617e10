#pragma once

#include <string>
#include <vector>

#include "gateway/pipeline/client_identity.h"
#include "gateway/store/store.h"

namespace gw {

/// Brings a store to the regional key before anything else is written to it. A store written
/// by an earlier version (unkeyed client ids made from the code with its century sign made
/// canonical, unkeyed content hashes) gets, for every current record of every municipality,
/// a new version with its client id and content hash made again under the key, through the
/// ordinary sink: one transfer per municipality, so that reconciliation adds up and the feeds
/// carry the correction in commit order. A client record whose id changed is stored under its
/// new id and the old one retired. The store then keeps the key's fingerprint; a store written
/// under another key is refused (every id in it would change).
class RegionalKeyMigration {
  public:
    RegionalKeyMigration(Store& store, const ClientIdentity& clients, std::string instance);

    /// Runs the migration when the store has not seen this key; returns the transfers it ran.
    /// Throws ConfigError for a store written under another key.
    std::vector<TransferInfo> run(const std::vector<std::string>& entities);

    /// The transfer log's source name for these transfers.
    static constexpr const char* kSource = "migration:regional-key";

  private:
    TransferInfo migrate(const std::string& municipality, const std::vector<std::string>& entities);

    Store& store_;
    const ClientIdentity& clients_;
    std::string instance_;
};

}  // namespace gw
