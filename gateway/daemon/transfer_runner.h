#pragma once

#include <atomic>
#include <map>
#include <memory>

#include "gateway/daemon/gateway_settings.h"
#include "gateway/mapping/mapping.h"
#include "gateway/pipeline/client_identity.h"
#include "gateway/store/store.h"
#include "gateway/validation/record_validator.h"

namespace gw {

/// Runs transfers of the configured sources into the store: one input of one source, through its
/// mapping, logged in the store's transfer log.
class TransferRunner {
  public:
    /// Loads every source's mapping up front, so that a bad mapping stops the daemon at start.
    TransferRunner(const GatewaySettings& settings, Store& store);

    const std::vector<SourceSettings>& sources() const { return settings_.sources; }

    /// Runs one transfer of `source` and returns it as logged. Never throws for bad input or a
    /// failing store: the transfer is then logged as failed with the reason.
    TransferInfo run(const SourceSettings& source, const std::atomic<bool>* stop = nullptr);

  private:
    const GatewaySettings& settings_;
    Store& store_;
    RecordValidator validator_;
    ClientIdentity clients_;
    std::map<std::string, Mapping> mappings_;  // by source name
};

}  // namespace gw
