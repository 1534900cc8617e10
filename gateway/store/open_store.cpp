#include "gateway/core/errors.h"
#include "gateway/store/postgres/postgres_store.h"
#include "gateway/store/sqlite/sqlite_store.h"

namespace gw {

std::unique_ptr<Store> openStore(const std::string& backend, const std::string& connection) {
    if (backend == "sqlite") return std::make_unique<SqliteStore>(connection);
    if (backend == "postgresql") return std::make_unique<PostgresStore>(connection);
    throw ConfigError("unknown store backend '" + backend +
                      "' (this build has: sqlite, postgresql)");
}

}  // namespace gw
