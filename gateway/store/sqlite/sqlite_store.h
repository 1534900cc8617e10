#pragma once

#include "gateway/store/sql_store.h"

namespace gw {

/// The embedded store: one SQLite database file in WAL mode, through Poco::Data.
class SqliteStore : public SqlStore {
  public:
    /// Opens (creating if needed) the database at `path` and migrates it to `schemaVersion`:
    /// this build's unless a test or benchmark needs a store as an earlier version left it.
    explicit SqliteStore(const std::string& path,
                         std::size_t schemaVersion = SqlStore::schemaVersion());

    std::unique_ptr<RecordSink> openSink(std::int64_t transferId) override;
    // Each commit syncs the WAL and writes the index pages it touched again: fewer, larger
    // batches write far less (a sixth faster than batches of 1 000).
    std::size_t batchSize() const override { return 4000; }
    std::string sql(const std::string& text) const override { return text; }

  protected:
    void configure(Poco::Data::Session& session) override;
    bool isLocked(const std::exception& e) const override;
    void beginExclusive(Poco::Data::Session& session) override;
    std::string serialType() const override { return "INTEGER PRIMARY KEY AUTOINCREMENT"; }
    // AUTOINCREMENT remembers the highest number inserted, whoever chose it.
    std::string continueNumbering(const std::string& /*table*/,
                                  const std::string& /*column*/) const override {
        return "";
    }
    // SQLite has one writer at a time: the claiming UPDATE cannot interleave with another.
    std::string skipLocked() const override { return ""; }
    std::string clientIdOf(const std::string& body) const override {
        return "json_extract(" + body + ", '$.client.clientId')";
    }

  private:
    std::string path_;
};

}  // namespace gw
