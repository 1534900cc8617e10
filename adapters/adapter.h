#pragma once

#include <functional>
#include <istream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/model/source_record.h"

namespace gw {

/// Reads one export, in one format, record by record, with constant memory.
class Adapter {
  public:
    /// Receives each record in turn; returns false to stop reading. It may take the record and
    /// leave another in its place: the adapter fills every part of the record again for the
    /// next one, reusing what buffers it finds.
    using RecordHandler = std::function<bool(SourceRecord& record)>;

    virtual ~Adapter() = default;

    /// Hands every record of the input to `handler`, in order, until the end or until the handler
    /// returns false. A record the adapter could not read comes with `record.error` set, and the
    /// adapter goes on after it. Throws InputError when nothing further can be read; every record
    /// before that point has been handed over.
    virtual void read(const RecordHandler& handler) = 0;
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

  private:
    std::map<std::string, Factory> factories_;
};

/// The registry holding every adapter built into the gateway (see adapters/builtin.cpp).
const AdapterRegistry& builtinAdapters();

}  // namespace gw
