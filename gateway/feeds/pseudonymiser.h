#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace gw {

/// Turns a regional record into its pseudonymised view (schemas/v1/pseudonymised-view.json):
/// the client's regional id replaced by an HMAC-SHA-256 pseudonym under the county's key, so that
/// one person keeps one pseudonym across municipalities but nobody without the key can link it
/// back; identity codes, names and free text dropped.
class Pseudonymiser {
  public:
    /// Throws ConfigError for an unreadable view file or a key shorter than 32 characters.
    Pseudonymiser(const std::string& viewFile, std::string key);

    /// "p-" and 32 hex digits.
    std::string pseudonym(const std::string& clientId) const;
    nlohmann::json apply(nlohmann::json record) const;

  private:
    nlohmann::json::json_pointer source_;
    nlohmann::json::json_pointer target_;
    std::vector<std::vector<std::string>> drop_;  // each path as its tokens; "*" for any index
    std::string key_;
};

}  // namespace gw
