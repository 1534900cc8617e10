#include "gateway/feeds/pseudonymised/pseudonymiser.h"

#include <Poco/StringTokenizer.h>

#include "gateway/core/errors.h"
#include "gateway/core/identity_code.h"
#include "gateway/core/schema_validator.h"

namespace gw {
namespace {

std::vector<std::string> tokensOf(const std::string& pointer) {
    std::vector<std::string> tokens;
    Poco::StringTokenizer parts(pointer, "/", Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    tokens.assign(parts.begin(), parts.end());
    if (tokens.empty()) throw ConfigError("a view path must name a field, not '" + pointer + "'");
    return tokens;
}

/// Copies what `path` (from token `at` on) reaches in `from` into the same place in `to`.
void copyPath(const nlohmann::json& from, nlohmann::json& to, const std::vector<std::string>& path,
              std::size_t at) {
    if (at == path.size()) {
        to = from;
        return;
    }
    if (path[at] == "*") {
        if (!from.is_array()) return;
        if (!to.is_array()) to = nlohmann::json::array();
        while (to.size() < from.size()) to.push_back(nlohmann::json::object());
        for (std::size_t i = 0; i < from.size(); ++i) copyPath(from[i], to[i], path, at + 1);
        return;
    }
    if (!from.is_object()) return;
    auto child = from.find(path[at]);
    if (child == from.end()) return;
    if (!to.is_object()) to = nlohmann::json::object();
    // Only what the path reaches is made: no empty parent where the field itself is missing.
    nlohmann::json part = to.contains(path[at]) ? to[path[at]] : nlohmann::json();
    copyPath(*child, part, path, at + 1);
    if (!part.is_null() || at + 1 == path.size()) to[path[at]] = std::move(part);
}

const nlohmann::json* find(const nlohmann::json& record, const std::vector<std::string>& path) {
    const nlohmann::json* node = &record;
    for (const auto& token : path) {
        if (!node->is_object()) return nullptr;
        auto child = node->find(token);
        if (child == node->end()) return nullptr;
        node = &*child;
    }
    return node;
}

void place(nlohmann::json& record, const std::vector<std::string>& path, std::string value) {
    nlohmann::json* node = &record;
    for (const auto& token : path) node = &(*node)[token];
    *node = std::move(value);
}

void guard(const nlohmann::json& node) {
    if (node.is_string()) {
        if (holdsIdentityCode(node.get_ref<const std::string&>()))
            throw PersonalDataLeak("a pseudonymised record would hold an identity code");
    } else if (node.is_structured()) {
        for (const auto& child : node) guard(child);
    }
}

}  // namespace

Pseudonymiser::Pseudonymiser(const std::string& viewFile, const std::string& key,
                             const std::vector<std::string>& entities)
    : key_(key) {
    nlohmann::json view = readJsonFile(viewFile);
    try {
        View common;
        compile(view.at("common"), common);
        for (const auto& entity : entities) {
            if (!view.at("entities").contains(entity))
                throw ConfigError(viewFile + ": the view names no fields of entity '" + entity +
                                  "'");
            View own = common;
            compile(view["entities"][entity], own);
            views_.emplace(entity, std::move(own));
        }
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError(viewFile + ": " + e.what());
    } catch (const ConfigError& e) {
        throw ConfigError(viewFile + ": " + e.what());
    }
}

void Pseudonymiser::compile(const nlohmann::json& section, View& view) const {
    for (const auto& path : section.value("keep", nlohmann::json::array()))
        view.keep.push_back(tokensOf(path.get<std::string>()));
    for (const auto& alias : section.value("pseudonymise", nlohmann::json::array())) {
        std::string path = alias.at("path").get<std::string>();
        std::string scope = alias.value("scope", "source");
        if (scope != "region" && scope != "source")
            throw ConfigError(path + ": scope is region or source, not '" + scope + "'");
        Path tokens = tokensOf(path);
        for (const auto& token : tokens) {
            if (token == "*") throw ConfigError(path + ": a pseudonymised path names one field");
        }
        view.aliases.push_back({tokens, tokensOf(alias.value("at", path)),
                                alias.at("kind").get<std::string>(), scope == "region"});
    }
}

std::string Pseudonymiser::pseudonym(const Alias& alias, const nlohmann::json& provenance,
                                     const std::string& value) const {
    // Each part ends with a newline, which no part holds, so that two lists of parts never hash
    // alike.
    if (alias.regional) return "p-" + key_.hex({alias.kind, "\n", value}).substr(0, 32);
    std::string municipality = provenance.value("sourceMunicipality", "");
    std::string system = provenance.value("sourceSystem", "");
    return "p-" +
           key_.hex({alias.kind, "\n", municipality, "\n", system, "\n", value}).substr(0, 32);
}

nlohmann::json Pseudonymiser::apply(const nlohmann::json& record) const {
    auto view = views_.find(record.value("entity", ""));
    if (view == views_.end())
        throw PersonalDataLeak("the pseudonymised view names no fields of this record's entity");
    nlohmann::json shown = nlohmann::json::object();
    for (const auto& path : view->second.keep) copyPath(record, shown, path, 0);
    const nlohmann::json empty = nlohmann::json::object();
    const nlohmann::json* provenance = find(record, {"provenance"});
    for (const auto& alias : view->second.aliases) {
        const nlohmann::json* value = find(record, alias.path);
        if (!value || !value->is_string()) continue;
        place(shown, alias.at,
              pseudonym(alias, provenance ? *provenance : empty, value->get<std::string>()));
    }
    guard(shown);
    return shown;
}

FeedViewKind Pseudonymiser::kind() {
    return {"pseudonymised", "feed:pseudonymised",
            "only what schemas/v1/pseudonymised-view.json names, ids as keyed pseudonyms",
            [](const FeedViewSetup& setup) {
                return std::make_unique<Pseudonymiser>(setup.pseudonymisedViewFile,
                                                       setup.pseudonymKey, setup.entities);
            }};
}

std::string Pseudonymiser::render(const FeedEntry& entry) const {
    return apply(nlohmann::json::parse(entry.body)).dump();
}

}  // namespace gw
