#pragma once

#include <Poco/Data/Session.h>

#include <mutex>

#include "gateway/store/store.h"

namespace gw {

/// The embedded store: one SQLite database file in WAL mode, through Poco::Data.
class SqliteStore : public Store {
  public:
    /// Opens (creating if needed) the database at `path` and applies pending migrations.
    explicit SqliteStore(std::string path);

    std::int64_t beginTransfer(const std::string& source, const std::string& municipality,
                               const std::string& input) override;
    void finishTransfer(std::int64_t id, const TransferResult& result) override;
    std::unique_ptr<RecordSink> openSink(std::int64_t transferId) override;
    std::vector<TransferInfo> listTransfers(std::size_t limit) override;
    std::optional<TransferInfo> findTransfer(std::int64_t id) override;
    void scanCurrent(const std::string& entity,
                     const std::function<void(const nlohmann::json& record)>& visit) override;

    /// A new connection to the database, configured for this store. Sessions are not shared
    /// between threads; each caller opens its own.
    Poco::Data::Session connect() const;

  private:
    void migrate();
    std::vector<TransferInfo> queryTransfers(const std::string& where, std::int64_t id,
                                             std::size_t limit);

    std::string path_;
};

}  // namespace gw
