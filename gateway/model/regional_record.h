#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gateway/model/record_body.h"

namespace gw {

/// Where a regional record came from: what the gateway adds to every record it makes
/// (the schemas' "provenance").
struct Provenance {
    std::string sourceMunicipality;
    std::string sourceSystem;
    std::string sourceRecordId;
    std::string input;
    std::uint64_t line = 0;  ///< 0 when the format has no lines: then left out
    std::uint64_t record = 0;
    std::int64_t transferId = 0;
    std::string mapping;
    std::string mappingVersion;
    std::string contentHash;  ///< set when the record is sealed
    std::vector<std::string> warnings;

    /// Adds itself as the member "provenance" of `body`'s root, replacing any there.
    void addTo(RecordBody& body) const;
    /// Appends itself as JSON text, exactly as `body.write()` writes what addTo() added.
    void writeTo(std::string& out) const;
    /// Reads a stored record's "provenance"; what it lacks stays empty or 0.
    static Provenance fromJson(const nlohmann::json& provenance);

  private:
    /// Calls `text(name, value)`, `number(name, value)` and `texts(name, values)` for each
    /// member, in key order: the one list addTo() and writeTo() both follow.
    template <typename Text, typename Number, typename Texts>
    void visit(Text text, Number number, Texts texts) const;
};

/// A record in the regional schema: what a mapping made, then completed by the pipeline.
struct RegionalRecord {
    std::string entity;          ///< e.g. "service_episode"
    std::string sourceRecordId;  ///< the source system's own id, part of the store key
    RecordBody body = {};        ///< with its provenance once sealed
    Provenance provenance = {};  ///< set when the record is sealed
    std::string text = {};       ///< the body as stored: set when the record is sealed
};

}  // namespace gw
