#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "gateway/pipeline/pipeline.h"
#include "gateway/pipeline/record_sink.h"

namespace gw {

/// One row of the transfer log: a run of one source over one input.
struct TransferInfo {
    std::int64_t id = 0;
    std::string source;
    std::string municipality;
    std::string input;
    std::string state;  ///< running, succeeded, failed or interrupted
    std::string startedAt;
    std::string finishedAt;
    TransferCounts counts;
    std::string error;

    nlohmann::json toJson() const;
};

/// Keeps regional records with their history, the quarantine, and the transfer log.
class Store {
  public:
    virtual ~Store() = default;

    /// Logs the start of a transfer and returns its id.
    virtual std::int64_t beginTransfer(const std::string& source, const std::string& municipality,
                                       const std::string& input) = 0;
    /// Records how a transfer ended.
    virtual void finishTransfer(std::int64_t id, const TransferResult& result) = 0;
    /// A sink that writes the records of transfer `transferId` into this store.
    virtual std::unique_ptr<RecordSink> openSink(std::int64_t transferId) = 0;

    /// The newest transfers first.
    virtual std::vector<TransferInfo> listTransfers(std::size_t limit) = 0;
    virtual std::optional<TransferInfo> findTransfer(std::int64_t id) = 0;

    /// Calls `visit` with the current (newest) version of every stored record of `entity`, one at
    /// a time, so that reports never hold the whole store in memory.
    virtual void scanCurrent(const std::string& entity,
                             const std::function<void(const nlohmann::json& record)>& visit) = 0;
};

/// Opens the store of a backend ("sqlite") at `connection` (for SQLite, the database file) and
/// applies its pending schema migrations. Throws ConfigError for an unknown backend.
std::unique_ptr<Store> openStore(const std::string& backend, const std::string& connection);

}  // namespace gw
