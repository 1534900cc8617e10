#pragma once

// regionalRecordOf: one line of `gatewayctl map`'s NDJSON as the store benchmarks hand it over.

#include <rapidjson/document.h>

#include <string>

#include "gateway/core/errors.h"
#include "gateway/model/regional_record.h"

namespace gw::bench {

/// The record's store key and provenance as a sink reads them; the line is its stored text.
inline RegionalRecord regionalRecordOf(std::string line) {
    rapidjson::Document document;
    document.Parse(line.c_str(), line.size());
    if (document.HasParseError() || !document.IsObject() || !document.HasMember("provenance"))
        throw InputError("not a regional record as gatewayctl map writes them");
    const auto& provenance = document["provenance"];
    RegionalRecord record{document["entity"].GetString(), provenance["sourceRecordId"].GetString()};
    record.provenance.sourceMunicipality = provenance["sourceMunicipality"].GetString();
    record.provenance.sourceSystem = provenance["sourceSystem"].GetString();
    record.provenance.contentHash = provenance["contentHash"].GetString();
    record.provenance.record = provenance["record"].GetUint64();
    record.text = std::move(line);
    return record;
}

}  // namespace gw::bench
