#pragma once

#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/core/source_record.h"

namespace gw {

/// Reads one export, in one format, record by record, with constant memory.
class Adapter {
  public:
    virtual ~Adapter() = default;

    /// Reads the next record into `record`; returns false at the end of the input. A record the
    /// adapter could not read comes back with `record.error` set, and the next call goes on after
    /// it. Throws InputError when nothing further can be read.
    virtual bool next(SourceRecord& record) = 0;
};

/// Creates adapters by format name ("csv", ...), each from the options a mapping file gives.
class AdapterRegistry {
  public:
    /// Makes an adapter over `input`, named `inputName` in positions. Throws ConfigError on bad
    /// options.
    using Factory = std::function<std::unique_ptr<Adapter>(
        std::istream& input, const std::string& inputName, const nlohmann::json& options)>;

    void add(const std::string& format, Factory factory);
    std::unique_ptr<Adapter> create(const std::string& format, std::istream& input,
                                    const std::string& inputName,
                                    const nlohmann::json& options) const;
    std::vector<std::string> formats() const;

  private:
    std::map<std::string, Factory> factories_;
};

/// The registry holding every adapter built into the gateway (see adapters/builtin.cpp).
const AdapterRegistry& builtinAdapters();

}  // namespace gw
