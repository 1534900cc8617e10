#include "gateway/core/schema_validator.h"

#include <Poco/Path.h>

#include <algorithm>
#include <fstream>
#include <valijson/adapters/nlohmann_json_adapter.hpp>
#include <valijson/schema.hpp>
#include <valijson/schema_parser.hpp>
#include <valijson/validation_results.hpp>
#include <valijson/validator.hpp>

#include "gateway/core/errors.h"

namespace gw {
namespace {

// valijson describes a location as {"<root>", "[client]", "[identityCode]"}.
std::string dottedPath(const std::vector<std::string>& context) {
    std::string path;
    for (const auto& step : context) {
        if (step == "<root>") continue;
        std::string name = step;
        if (name.size() >= 2 && name.front() == '[' && name.back() == ']') {
            name = name.substr(1, name.size() - 2);
        }
        if (!path.empty()) path += '.';
        path += name;
    }
    return path;
}

}  // namespace

nlohmann::json readJsonFile(const std::string& path) {
    std::ifstream file(path);
    if (!file) throw ConfigError("cannot open " + path);
    try {
        return nlohmann::json::parse(file);
    } catch (const nlohmann::json::parse_error& e) {
        throw ConfigError(path + ": not valid JSON: " + e.what());
    }
}

SchemaValidator::SchemaValidator(const std::string& schemaPath)
    : schema_(std::make_unique<valijson::Schema>()) {
    nlohmann::json document = readJsonFile(schemaPath);
    std::string directory = Poco::Path(schemaPath).makeParent().toString();
    auto fetch = [directory](const std::string& uri) -> const nlohmann::json* {
        return new nlohmann::json(readJsonFile(directory + uri));
    };
    auto release = [](const nlohmann::json* fetched) { delete fetched; };
    try {
        valijson::SchemaParser parser(valijson::SchemaParser::kDraft7);
        valijson::adapters::NlohmannJsonAdapter adapter(document);
        parser.populateSchema(adapter, *schema_, fetch, release);
    } catch (const ConfigError&) {
        throw;
    } catch (const std::exception& e) {
        throw ConfigError(schemaPath + ": not a usable JSON Schema: " + e.what());
    }
}

SchemaValidator::~SchemaValidator() = default;
SchemaValidator::SchemaValidator(SchemaValidator&&) noexcept = default;

std::vector<SchemaViolation> SchemaValidator::validate(const nlohmann::json& document) const {
    // valijson compiles each `pattern` once per Validator and keeps it in the Validator; the
    // cache is keyed by the pattern alone, so one per thread serves every schema.
    thread_local valijson::Validator validator;
    valijson::ValidationResults results;
    valijson::adapters::NlohmannJsonAdapter target(document);
    if (validator.validate(*schema_, target, &results)) return {};

    std::vector<std::pair<std::size_t, SchemaViolation>> found;
    valijson::ValidationResults::Error error;
    while (results.popError(error)) {
        found.push_back({error.context.size(), {dottedPath(error.context), error.description}});
    }
    // The deepest location is the most specific: outer errors only say "a child failed".
    std::stable_sort(found.begin(), found.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::vector<SchemaViolation> violations;
    for (auto& entry : found) violations.push_back(std::move(entry.second));
    return violations;
}

}  // namespace gw
