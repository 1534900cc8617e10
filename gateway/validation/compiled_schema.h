#pragma once

// CompiledSchema: one entity's JSON Schema compiled at start into checks over a RecordBody.

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "gateway/core/schema_validator.h"
#include "gateway/model/record_body.h"

namespace gw {

/// One regional entity's JSON Schema (draft 7), compiled once into checks over a RecordBody, in
/// the manner of Ajv: $refs are resolved, patterns compiled (by RE2, which never backtracks) and
/// property lists sorted at start, so that checking a record interprets nothing. It reports what
/// the general validator (valijson) reports for the same record: the same accept or reject and
/// the same field, the deepest place where the record breaks the schema, the first of those in
/// valijson's order. The differential test holds the two to that.
///
/// It implements anyOf, type, const, enum, minimum, maximum, minLength, maxLength, pattern,
/// properties, additionalProperties (true or false), required, items (one schema), $ref (into the
/// file or a file beside it) and definitions; annotations ($schema, $id, $comment, title,
/// description, default, examples, x-*) are ignored. Any other keyword is refused when the schema
/// is compiled, so that no schema edit can silently check less than it says.
class CompiledSchema {
  public:
    /// Compiles the schema file; throws ConfigError naming the file, the place and the keyword.
    explicit CompiledSchema(const std::string& schemaPath);
    ~CompiledSchema();
    CompiledSchema(CompiledSchema&&) noexcept;

    /// The most specific violation (dotted path, message without the value), or nothing.
    std::optional<SchemaViolation> validate(const RecordBody& body) const;

  private:
    struct Check;
    class Compiler;
    class Walk;

    void check(std::size_t index, RecordBody::Node value, Walk& walk) const;

    std::vector<std::unique_ptr<Check>> checks_;  ///< the root's is first
};

}  // namespace gw
