#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gateway/store/store.h"

namespace gw {

/// Opens stores by backend name ("sqlite", "postgresql"), each from its `store.connection`.
/// Each backend is a folder under gateway/store/ registered in gateway/store/store_registry.cpp.
class StoreRegistry {
  public:
    /// Opens the store at `connection` and applies its pending schema migrations.
    using Factory = std::function<std::unique_ptr<Store>(const std::string& connection)>;

    void add(const std::string& backend, Factory factory);
    /// Throws ConfigError for an unknown backend, naming those there are.
    std::unique_ptr<Store> open(const std::string& backend, const std::string& connection) const;

  private:
    std::map<std::string, Factory> factories_;
};

/// The registry holding every store backend built into the gateway.
const StoreRegistry& builtinStores();

}  // namespace gw
