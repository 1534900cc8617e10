#pragma once

// SchemaValidator: checks JSON documents against a JSON Schema file.

#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace valijson {
class Schema;
}

namespace gw {

/// One place where a document breaks its schema.
struct SchemaViolation {
    std::string path;  ///< dotted path of the offending value, e.g. "client.identityCode"
    std::string message;
};

/// Checks JSON documents against one JSON Schema (draft 7) file, resolving $refs to the files
/// beside it. Thread-safe once built.
class SchemaValidator {
  public:
    /// Loads the schema; throws ConfigError when it cannot be read or is not a valid schema.
    explicit SchemaValidator(const std::string& schemaPath);
    ~SchemaValidator();
    SchemaValidator(SchemaValidator&&) noexcept;

    /// Every violation, the most specific first; empty when the document is valid.
    std::vector<SchemaViolation> validate(const nlohmann::json& document) const;

  private:
    std::unique_ptr<valijson::Schema> schema_;
};

/// Reads a JSON file; throws ConfigError naming the file and the parse error's position.
nlohmann::json readJsonFile(const std::string& path);

}  // namespace gw
