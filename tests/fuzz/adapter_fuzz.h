#pragma once

#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>

#include "adapters/adapter.h"
#include "gateway/core/errors.h"

namespace gw::fuzz {

/// Reads arbitrary bytes with one adapter to the end. Malformed input may only ever end as
/// records with errors or an InputError; anything else (a crash, a sanitizer report, another
/// exception) is a finding.
inline void readAll(const std::string& format, const uint8_t* data, std::size_t size,
                    const nlohmann::json& options) {
    std::istringstream input(std::string(reinterpret_cast<const char*>(data), size));
    auto adapter = builtinAdapters().create(format, input, "fuzz", options);
    try {
        adapter->read([](SourceRecord& record) {
            for (const auto& field : record.fields) (void)field.second.size();
            return true;
        });
    } catch (const InputError&) {
    }
}

}  // namespace gw::fuzz
