#include "gateway/sources/source_registry.h"

#include <Poco/NumberParser.h>

#include <set>

#include "gateway/core/errors.h"

namespace gw {
namespace {

// The keys every source has, read into SourceSettings whatever its kind.
const std::set<std::string> kCommonKeys = {"kind", "mapping", "schedule", "expectEvery"};

}  // namespace

const std::string& SourceOptions::text(const std::string& key) const {
    return values_.at(key);
}

int SourceOptions::number(const std::string& key, int min) const {
    int value = 0;
    if (!Poco::NumberParser::tryParse(text(key), value) || value < min)
        throw ConfigError(keyOf(key), "must be a whole number of at least " + std::to_string(min));
    return value;
}

std::string SourceOptions::keyOf(const std::string& key) const {
    return "source." + sourceName_ + "." + key;
}

void SourceRegistry::add(SourceKind kind) {
    std::string name = kind.name;
    kinds_[name] = std::move(kind);
}

const SourceKind* SourceRegistry::find(const std::string& name) const {
    auto found = kinds_.find(name);
    return found == kinds_.end() ? nullptr : &found->second;
}

std::string SourceRegistry::names() const {
    std::string list;
    for (const auto& [name, kind] : kinds_) list += (list.empty() ? "" : ", ") + name;
    return list;
}

std::unique_ptr<Source> SourceRegistry::create(SourceSettings settings, Mapping mapping,
                                               const std::string& spoolDirectory) const {
    const SourceKind* kind = find(settings.kind);
    if (!kind) {
        throw ConfigError("source." + settings.name + ".kind",
                          "unknown kind '" + settings.kind + "' (this build has: " + names() + ")");
    }
    std::map<std::string, std::string> values;
    for (const auto& key : kind->keys) {
        if (settings.options->hasProperty(key.name)) {
            std::string value = settings.options->getString(key.name);
            values[key.name] =
                key.path ? resolvePath(settings.configDirectory, value) : std::move(value);
        } else if (key.required) {
            throw ConfigError("source." + settings.name + "." + key.name,
                              "missing; a " + kind->name + " source needs it (" + key.help + ")");
        } else {
            values[key.name] = key.fallback;
        }
    }
    if (settings.schedule.empty()) settings.schedule = kind->defaultSchedule;
    SourceOptions options(settings.name, std::move(values), spoolDirectory);
    return kind->create(std::move(settings), std::move(mapping), options);
}

std::vector<std::string> SourceRegistry::unknownKeys(const SourceSettings& settings) const {
    std::set<std::string> known = kCommonKeys;
    if (const SourceKind* kind = find(settings.kind)) {
        for (const auto& key : kind->keys) known.insert(key.name);
    }
    Poco::Util::AbstractConfiguration::Keys keys;
    settings.options->keys(keys);
    std::vector<std::string> unknown;
    for (const auto& key : keys) {
        if (!known.count(key)) unknown.push_back("source." + settings.name + "." + key);
    }
    return unknown;
}

}  // namespace gw
