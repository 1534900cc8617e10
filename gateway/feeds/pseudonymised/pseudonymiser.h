#pragma once

#include <map>
#include <nlohmann/json.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/core/keyed_hash.h"
#include "gateway/feeds/feed_view.h"

namespace gw {

/// Turns a stored regional record into its pseudonymised view (schemas/v1/pseudonymised-view.json),
/// an allow-list compiled once at start: only the fields the view names appear, ids as keyed
/// pseudonyms (HMAC-SHA-256 under the county's key) that still join within the view, so that
/// nobody without the key can link a record back to a person or a source record.
class Pseudonymiser final : public FeedView {
  public:
    /// The "pseudonymised" view, granted by feed:pseudonymised.
    static FeedViewKind kind();

    /// Throws ConfigError for an unreadable or malformed view file, a view that misses one of
    /// `entities`, or a key shorter than 32 characters.
    Pseudonymiser(const std::string& viewFile, const std::string& key,
                  const std::vector<std::string>& entities);

    /// The record as the view shows it. Throws PersonalDataLeak when a value it would show is
    /// shaped like an identity code (a municipality's id column that held one, say).
    nlohmann::json apply(const nlohmann::json& record) const;
    std::string render(const FeedEntry& entry) const override;

  private:
    using Path = std::vector<std::string>;  // a JSON Pointer's tokens; "*" for every element
    struct Alias {
        Path path;
        Path at;
        std::string kind;
        bool regional = false;  ///< the same pseudonym in every source
    };
    struct View {
        std::vector<Path> keep;
        std::vector<Alias> aliases;
    };

    void compile(const nlohmann::json& section, View& view) const;
    std::string pseudonym(const Alias& alias, const nlohmann::json& provenance,
                          const std::string& value) const;

    std::map<std::string, View> views_;  // by entity
    KeyedHash key_;
};

}  // namespace gw
