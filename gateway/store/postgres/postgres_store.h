#pragma once

#include "gateway/store/sql_store.h"

namespace gw {

/// The production store: PostgreSQL through Poco::Data, with batches written by COPY through
/// libpq (Poco::Data does not expose it). Several gatewayd instances may share one database.
class PostgresStore : public SqlStore {
  public:
    /// Connects with the libpq connection string `connection` and migrates the database to
    /// `schemaVersion`: this build's unless a test or benchmark needs a store as an earlier
    /// version left it.
    explicit PostgresStore(const std::string& connection,
                           std::size_t schemaVersion = SqlStore::schemaVersion());

    std::unique_ptr<RecordSink> openSink(std::int64_t transferId) override;
    std::size_t batchSize() const override { return 4000; }
    /// Numbers the placeholders: `?` becomes `$1`, `$2`, ... (outside quoted text).
    std::string sql(const std::string& text) const override;

  protected:
    void configure(Poco::Data::Session& session) override;
    void beginExclusive(Poco::Data::Session& session) override;
    std::string serialType() const override { return "BIGSERIAL PRIMARY KEY"; }
    std::string continueNumbering(const std::string& table,
                                  const std::string& column) const override {
        return "SELECT setval(pg_get_serial_sequence('" + table + "', '" + column +
               "'), COALESCE(MAX(" + column + "), 0) + 1, false) FROM " + table;
    }
    std::string skipLocked() const override { return "FOR UPDATE SKIP LOCKED"; }
    std::string clientIdOf(const std::string& body) const override {
        return "(" + body + "::json #>> '{client,clientId}')";
    }

  private:
    std::string connection_;
};

}  // namespace gw
