#include "gateway/validation/record_validator.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/Exception.h>
#include <Poco/Path.h>

#include <algorithm>

#include "gateway/core/errors.h"

namespace gw {
namespace {

constexpr std::string_view kSchemaSuffix = ".schema.json";

}  // namespace

RecordValidator::RecordValidator(const std::string& schemaDirectory) {
    try {
        for (Poco::DirectoryIterator it(schemaDirectory), end; it != end; ++it) {
            std::string file = it.name();
            if (file.size() <= kSchemaSuffix.size() ||
                file.compare(file.size() - kSchemaSuffix.size(), kSchemaSuffix.size(),
                             kSchemaSuffix) != 0 ||
                file == "common.schema.json") {
                continue;
            }
            std::string entity = file.substr(0, file.size() - kSchemaSuffix.size());
            std::replace(entity.begin(), entity.end(), '-', '_');
            EntityChecks checks{{}, CompiledSchema(it.path().toString())};
            for (const Rule& rule : regionalRules()) {
                if (rule.entity == "*" || rule.entity == entity) checks.rules.push_back(&rule);
            }
            schemas_.emplace(entity, std::move(checks));
        }
    } catch (const Poco::Exception& e) {
        throw ConfigError("cannot read the schema folder " + schemaDirectory + ": " +
                          e.displayText());
    }
    if (schemas_.empty()) throw ConfigError("no entity schemas in " + schemaDirectory);
}

std::optional<Fault> RecordValidator::validate(const RegionalRecord& record,
                                               const std::vector<RegionalRecord>& group) const {
    auto checks = schemas_.find(record.entity);
    if (checks == schemas_.end()) {
        return Fault{"schema.entity", "entity",
                     "no regional schema for entity '" + record.entity + "'"};
    }
    for (const Rule* rule : checks->second.rules) {
        if (auto fault = rule->check(record.body, group)) return fault;
    }
    if (auto violation = checks->second.schema.validate(record.body))
        return Fault{"schema", std::move(violation->path), std::move(violation->message)};
    return std::nullopt;
}

}  // namespace gw
