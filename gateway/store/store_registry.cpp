#include "gateway/store/store_registry.h"

#include "gateway/core/errors.h"
#include "gateway/store/postgres/postgres_store.h"
#include "gateway/store/sqlite/sqlite_store.h"

namespace gw {

void StoreRegistry::add(const std::string& backend, Factory factory) {
    factories_[backend] = std::move(factory);
}

std::unique_ptr<Store> StoreRegistry::open(const std::string& backend,
                                           const std::string& connection) const {
    auto found = factories_.find(backend);
    if (found == factories_.end()) {
        std::string names;
        for (const auto& [name, factory] : factories_) names += (names.empty() ? "" : ", ") + name;
        throw ConfigError("store.backend", "unknown store backend '" + backend +
                                               "' (this build has: " + names + ")");
    }
    return found->second(connection);
}

// The one place where each backend folder registers itself.
const StoreRegistry& builtinStores() {
    static const StoreRegistry registry = [] {
        StoreRegistry r;
        r.add("sqlite",
              [](const std::string& file) { return std::make_unique<SqliteStore>(file); });
        r.add("postgresql", [](const std::string& connection) {
            return std::make_unique<PostgresStore>(connection);
        });
        return r;
    }();
    return registry;
}

}  // namespace gw
