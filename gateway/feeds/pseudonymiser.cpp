#include "gateway/feeds/pseudonymiser.h"

#include <Poco/HMACEngine.h>
#include <Poco/SHA2Engine.h>
#include <Poco/StringTokenizer.h>

#include "gateway/core/errors.h"
#include "gateway/validation/schema_validator.h"

namespace gw {
namespace {

/// SHA-256 with the block and digest sizes Poco's HMACEngine asks of its engine.
class Sha256Engine : public Poco::SHA2Engine {
  public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256Engine() : Poco::SHA2Engine(SHA_256) {}
};

std::vector<std::string> tokensOf(const std::string& pointer) {
    std::vector<std::string> tokens;
    Poco::StringTokenizer parts(pointer, "/", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    tokens.assign(parts.begin(), parts.end());
    return tokens;
}

void dropPath(nlohmann::json& node, const std::vector<std::string>& path, std::size_t at) {
    if (at + 1 == path.size()) {
        if (node.is_object()) node.erase(path[at]);
        return;
    }
    if (path[at] == "*") {
        if (node.is_array()) {
            for (auto& element : node) dropPath(element, path, at + 1);
        }
        return;
    }
    if (!node.is_object()) return;
    auto child = node.find(path[at]);
    if (child != node.end()) dropPath(*child, path, at + 1);
}

void replaceEverywhere(nlohmann::json& node, const std::string& from, const std::string& to) {
    if (node.is_string()) {
        if (node.get_ref<const std::string&>() == from) node = to;
    } else if (node.is_structured()) {
        for (auto& child : node) replaceEverywhere(child, from, to);
    }
}

}  // namespace

Pseudonymiser::Pseudonymiser(const std::string& viewFile, std::string key) : key_(std::move(key)) {
    if (key_.size() < 32)
        throw ConfigError("the pseudonym key must be at least 32 characters long");
    nlohmann::json view = readJsonFile(viewFile);
    try {
        source_ = nlohmann::json::json_pointer(view.at("pseudonymise").get<std::string>());
        target_ = nlohmann::json::json_pointer(view.at("pseudonymAt").get<std::string>());
        for (const auto& path : view.at("drop")) drop_.push_back(tokensOf(path.get<std::string>()));
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(viewFile + ": " + e.what());
    }
}

std::string Pseudonymiser::pseudonym(const std::string& clientId) const {
    Poco::HMACEngine<Sha256Engine> hmac(key_);
    hmac.update(clientId);
    return "p-" + Poco::DigestEngine::digestToHex(hmac.digest()).substr(0, 32);
}

nlohmann::json Pseudonymiser::apply(nlohmann::json record) const {
    if (record.contains(source_) && record.at(source_).is_string()) {
        std::string clientId = record.at(source_).get<std::string>();
        std::string alias = pseudonym(clientId);
        // Also where the id keys the record (a client record's provenance.sourceRecordId).
        replaceEverywhere(record, clientId, alias);
        record[target_] = alias;
    }
    for (const auto& path : drop_) {
        if (!path.empty()) dropPath(record, path, 0);
    }
    return record;
}

}  // namespace gw
