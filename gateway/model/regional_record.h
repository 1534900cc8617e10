#pragma once

#include <nlohmann/json.hpp>
#include <string>

namespace gw {

/// A record in the regional schema, as a mapping made it, before provenance is added.
struct RegionalRecord {
    std::string entity;          ///< e.g. "service_episode"
    std::string sourceRecordId;  ///< the source system's own id, part of the store key
    nlohmann::json body;
    std::string text = {};  ///< the body as stored: set by the pipeline once the record is complete
};

}  // namespace gw
