#include "adapters/adapter.h"
#include "gateway/core/errors.h"

namespace gw {

void AdapterRegistry::add(const std::string& format, Factory factory) {
    factories_[format] = std::move(factory);
}

std::unique_ptr<Adapter> AdapterRegistry::create(const std::string& format, std::istream& input,
                                                 const std::string& inputName,
                                                 const nlohmann::json& options) const {
    auto it = factories_.find(format);
    if (it == factories_.end()) throw ConfigError("unknown source format '" + format + "'");
    return it->second(input, inputName, options);
}

}  // namespace gw
