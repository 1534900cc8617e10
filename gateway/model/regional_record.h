#pragma once

#include <cstdint>
#include <string>
#include <variant>
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
    friend class SharedProvenance;
    /// Calls `member(name, value, shared)` for each member, in key order: the one list that
    /// adding and writing follow. `value` is a std::string, a std::int64_t or a
    /// std::vector<std::string>; `shared` says whether every record of one input has the same
    /// (its municipality, system, input, mapping, mapping's version and transfer), and those are
    /// never left out. Members the record has not (no line, no warnings) are left out.
    template <typename Member>
    void visit(Member member) const;
};

/// The provenance members every record of one input shares, prepared once as body nodes and as
/// text, so that sealing each record adds and writes only its own members instead of repeating
/// the same six for every record.
class SharedProvenance {
  public:
    /// Prepares the shared members of `provenance`.
    explicit SharedProvenance(const Provenance& provenance);

    /// Whether the shared members of `provenance` are the ones prepared.
    bool matches(const Provenance& provenance) const;
    /// provenance.addTo(body), for a provenance that matches().
    void addTo(const Provenance& provenance, RecordBody& body) const;
    /// provenance.writeTo(out), for a provenance that matches().
    void writeTo(const Provenance& provenance, std::string& out) const;

  private:
    using Value = std::variant<std::string, std::int64_t>;

    std::vector<Value> values_;      ///< the shared members' values, in key order
    RecordBody members_;             ///< the shared members, as the root object
    std::string text_;               ///< the shared members as written, each as `,"name":value`
    std::vector<std::size_t> ends_;  ///< where each shared member's text ends in text_
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
