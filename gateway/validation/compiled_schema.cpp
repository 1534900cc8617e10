#include "gateway/validation/compiled_schema.h"

#include <Poco/Path.h>
#include <re2/re2.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "gateway/core/errors.h"
#include "gateway/validation/fixed_pattern.h"

namespace gw {
namespace {

using Kind = RecordBody::Kind;

// The JSON Schema types as bits, so that a type list is one mask.
enum TypeBit : unsigned {
    kNull = 1,
    kBoolean = 2,
    kInteger = 4,
    kNumber = 8,
    kString = 16,
    kObject = 32,
    kArray = 64
};

unsigned typeBit(const std::string& name) {
    static const std::map<std::string, unsigned> bits = {
        {"null", kNull},     {"boolean", kBoolean}, {"integer", kInteger}, {"number", kNumber},
        {"string", kString}, {"object", kObject},   {"array", kArray}};
    auto bit = bits.find(name);
    return bit == bits.end() ? 0 : bit->second;
}

// What a value is among the schema's types. "number" also admits integers; "integer" admits only
// values written as integers (valijson's strict typing: 5.0 is no integer).
bool hasType(Kind kind, unsigned types) {
    switch (kind) {
        case Kind::Null:
            return types & kNull;
        case Kind::Boolean:
            return types & kBoolean;
        case Kind::Integer:
        case Kind::Unsigned:
            return types & (kInteger | kNumber);
        case Kind::Number:
            return types & kNumber;
        case Kind::String:
            return types & kString;
        case Kind::Object:
            return types & kObject;
        case Kind::Array:
            return types & kArray;
    }
    return false;
}

bool isNumber(Kind kind) {
    return kind == Kind::Integer || kind == Kind::Unsigned || kind == Kind::Number;
}

// A string's length as the reference validator counts it: UTF-8 sequences (a lead byte and the
// continuation bytes after it), up to the first NUL; counted no further than `enough`, which is
// all a comparison with a limit needs.
std::uint64_t characters(std::string_view text, std::uint64_t enough) {
    static constexpr std::uint32_t kOffsets[6] = {0x00000000UL, 0x00003080UL, 0x000E2080UL,
                                                  0x03C82080UL, 0xFA082080UL, 0x82082080UL};
    auto continues = [&](std::size_t at) {
        return at < text.size() && text[at] != 0 &&
               (static_cast<unsigned char>(text[at]) & 0xC0) == 0x80;
    };
    // Plain ASCII, as most texts are, is one character a byte: looked for a word at a time.
    constexpr std::uint64_t kOnes = 0x0101010101010101, kHighs = 0x8080808080808080;
    std::size_t checked = 0;
    for (std::uint64_t word; checked + 8 <= text.size(); checked += 8) {
        std::memcpy(&word, text.data() + checked, 8);
        if (((word - kOnes) & ~word & kHighs) | (word & kHighs)) break;  // a NUL or a high bit
    }
    if (std::all_of(text.begin() + static_cast<std::ptrdiff_t>(checked), text.end(),
                    [](char c) { return c != 0 && static_cast<unsigned char>(c) < 0x80; }))
        return std::min<std::uint64_t>(text.size(), enough);
    std::uint64_t count = 0;
    for (std::size_t at = 0; at < text.size() && text[at] != 0;) {
        std::uint64_t value = 0;
        int bytes = 0;
        do {
            value = (value << 6) + static_cast<unsigned char>(text[at++]);
            ++bytes;
        } while (continues(at));
        if (bytes <= 6) value -= kOffsets[bytes - 1];
        if (value == 0 || ++count == enough) break;
    }
    return count;
}

// A pattern as RE2 reads it with the meaning ECMAScript's std::regex gives it over bytes, which
// the reference validator uses: "." matches neither \n nor \r. Constructs whose meaning differs
// between the two are refused rather than guessed at.
std::string bytePattern(const std::string& pattern) {
    std::string out;
    bool inClass = false;
    for (std::size_t at = 0; at < pattern.size(); ++at) {
        char c = pattern[at];
        if (static_cast<unsigned char>(c) >= 0x80)
            throw ConfigError("a pattern with characters beyond ASCII");
        if (c == '\\') {
            if (at + 1 == pattern.size()) throw ConfigError("a pattern ending in a backslash");
            char escaped = pattern[++at];
            if (std::string_view("sSbB").find(escaped) != std::string_view::npos)
                throw ConfigError(std::string("\\") + escaped +
                                  " in a pattern (write the characters as a class)");
            out += c;
            out += escaped;
            continue;
        }
        if (inClass) {
            if (c == ']') inClass = false;
            out += c;
            continue;
        }
        if (c == '[') {
            std::size_t first = at + 1 < pattern.size() && pattern[at + 1] == '^' ? at + 2 : at + 1;
            if (first < pattern.size() && pattern[first] == ']')
                throw ConfigError("a pattern with an empty class '[]' or '[^]'");
            inClass = true;
            out.append(pattern, at, first - at);
            at = first - 1;
            continue;
        }
        if (c == '.') {
            out += "[^\\n\\r]";
            continue;
        }
        out += c;
    }
    return out;
}

/// A pattern as a FixedPattern when it has fixed shapes (all the regional schema's have), else as
/// an RE2 that each thread matches with a copy of its own. One RE2 shared by the pipeline's
/// threads takes a reader lock on every match, and the lock's cache line would pass between the
/// cores each time.
class Pattern {
  public:
    /// Compiles `pattern`; throws ConfigError when RE2 cannot run it.
    explicit Pattern(const std::string& pattern) {
        std::string bytes = bytePattern(pattern);  // refuses what the two engines read apart
        fixed_ = FixedPattern::compile(pattern);
        if (fixed_) return;
        RE2::Options options;
        options.set_encoding(RE2::Options::EncodingLatin1);
        options.set_log_errors(false);
        compiled_ = std::make_unique<RE2>(bytes, options);
        if (!compiled_->ok())
            throw ConfigError("pattern \"" + pattern +
                              "\" is not one RE2 can run: " + compiled_->error());
    }

    /// Whether `text` holds a match (a search, as ECMAScript's).
    bool found(std::string_view text) const {
        if (fixed_) return fixed_->matches(text);
        thread_local std::vector<std::unique_ptr<RE2>> copies;  // by id
        if (copies.size() <= id_) copies.resize(id_ + 1);
        auto& own = copies[id_];
        if (!own) own = std::make_unique<RE2>(compiled_->pattern(), compiled_->options());
        return own->Match(re2::StringPiece(text.data(), text.size()), 0, text.size(),
                          RE2::UNANCHORED, nullptr, 0);
    }

  private:
    static inline std::atomic<std::size_t> nextId_{0};
    std::optional<FixedPattern> fixed_;
    std::unique_ptr<RE2> compiled_;
    std::size_t id_ = nextId_++;
};

}  // namespace

/// The checks of one schema object, each as valijson applies it.
struct CompiledSchema::Check {
    /// A const or enum value; only text, booleans and null are compared.
    struct Literal {
        Kind kind;
        std::string text;
        bool boolean = false;
    };

    std::vector<std::size_t> anyOf;
    unsigned types = 0;  ///< 0: any type
    std::optional<Literal> constant;
    std::optional<std::vector<Literal>> enumeration;
    std::optional<double> maximum;
    std::optional<double> minimum;
    std::optional<std::uint64_t> maxLength;
    std::optional<std::uint64_t> minLength;
    std::optional<Pattern> pattern;
    bool checksProperties = false;
    std::vector<std::pair<std::string, std::size_t>> properties;  ///< by name, in name order
    bool additionalProperties = true;
    std::optional<std::size_t> items;
    std::vector<std::string> required;
    /// For each required name, its place in `properties` when there (below 64), or -1: then the
    /// pass over the members tells whether it is present.
    std::vector<int> requiredProperty;

    static bool matches(const Literal& literal, const RecordBody& body, RecordBody::Node value) {
        if (body.kind(value) != literal.kind) return false;
        if (literal.kind == Kind::String) return body.text(value) == literal.text;
        if (literal.kind == Kind::Boolean) return body.boolean(value) == literal.boolean;
        return true;
    }
};

/// Turns schema documents into checks, each schema object once however many $refs reach it.
class CompiledSchema::Compiler {
  public:
    Compiler(std::vector<std::unique_ptr<Check>>& checks, std::string directory)
        : checks_(checks), directory_(std::move(directory)) {}

    std::size_t compileFile(const std::string& file) { return compile(file, ""); }

  private:
    const nlohmann::json& document(const std::string& file) {
        auto loaded = documents_.find(file);
        if (loaded == documents_.end())
            loaded = documents_.emplace(file, readJsonFile(directory_ + file)).first;
        return loaded->second;
    }

    [[noreturn]] void refuse(const std::string& file, const std::string& pointer,
                             const std::string& problem) {
        throw ConfigError(directory_ + file + ": at '" + (pointer.empty() ? "/" : pointer) +
                          "': " + problem);
    }

    // The check of the schema object at `pointer` (a JSON pointer) in `file`.
    std::size_t compile(const std::string& file, const std::string& pointer) {
        std::string place = file + "#" + pointer;
        if (auto done = compiled_.find(place); done != compiled_.end()) return done->second;
        const nlohmann::json& node = resolve(file, pointer);
        if (!node.is_object()) refuse(file, pointer, "a schema here must be an object");

        if (auto reference = node.find("$ref"); reference != node.end()) {
            for (const auto& [keyword, value] : node.items()) {
                if (keyword != "$ref" && !isAnnotation(keyword))
                    refuse(file, pointer,
                           "'" + keyword +
                               "' beside '$ref', which draft 7 ignores: move it "
                               "into the schema the $ref names");
            }
            if (!reference->is_string()) refuse(file, pointer, "'$ref' must be a string");
            std::string target = reference->get<std::string>();
            std::size_t hash = target.find('#');
            std::string targetFile = hash == 0 ? file : target.substr(0, hash);
            std::string targetPointer = hash == std::string::npos ? "" : target.substr(hash + 1);
            if (targetFile.find('/') != std::string::npos ||
                targetFile.find(':') != std::string::npos)
                refuse(file, pointer, "'$ref' may name only a file beside this one");
            // A $ref is the schema it names: the same check, compiled once. A chain of $refs
            // that comes back to itself names no schema at all.
            if (!following_.insert(place).second)
                refuse(file, pointer, "'$ref' leads back to itself");
            std::size_t index = compile(targetFile, targetPointer);
            compiled_[place] = index;
            return index;
        }

        std::size_t index = checks_.size();
        checks_.push_back(std::make_unique<Check>());
        compiled_[place] = index;
        Check check;
        for (const auto& [keyword, value] : node.items()) {
            std::string at = pointer + "/" + keyword;
            if (isAnnotation(keyword) || keyword == "definitions") continue;
            // The keywords holding schemas compile them outside the try: a refusal inside one
            // already names its place.
            if (keyword == "properties" && value.is_object()) {
                check.checksProperties = true;
                // nlohmann/json keeps an object's keys in order: the order valijson checks in.
                for (const auto& [name, schema] : value.items())
                    check.properties.emplace_back(
                        name, compile(file, (nlohmann::json::json_pointer(at) / name).to_string()));
                continue;
            }
            if (keyword == "items" && value.is_object()) {
                check.items = compile(file, at);
                continue;
            }
            if (keyword == "anyOf" && value.is_array() && !value.empty()) {
                for (std::size_t i = 0; i < value.size(); ++i)
                    check.anyOf.push_back(compile(file, at + "/" + std::to_string(i)));
                continue;
            }
            try {
                if (keyword == "type") {
                    check.types = types(value);
                } else if (keyword == "const") {
                    check.constant = literal(value);
                } else if (keyword == "enum") {
                    if (!value.is_array() || value.empty())
                        throw ConfigError("'enum' must be a list of values");
                    check.enumeration.emplace();
                    for (const auto& item : value) check.enumeration->push_back(literal(item));
                } else if (keyword == "maximum" || keyword == "minimum") {
                    if (!value.is_number()) throw ConfigError("'" + keyword + "' must be a number");
                    (keyword == "maximum" ? check.maximum : check.minimum) = value.get<double>();
                } else if (keyword == "maxLength" || keyword == "minLength") {
                    if (!value.is_number_unsigned())
                        throw ConfigError("'" + keyword + "' must be a whole number from 0");
                    (keyword == "maxLength" ? check.maxLength : check.minLength) =
                        value.get<std::uint64_t>();
                } else if (keyword == "pattern") {
                    if (!value.is_string()) throw ConfigError("'pattern' must be a string");
                    check.pattern.emplace(value.get<std::string>());
                } else if (keyword == "properties") {
                    throw ConfigError("'properties' must be an object");
                } else if (keyword == "additionalProperties") {
                    if (!value.is_boolean())
                        throw ConfigError("'additionalProperties' must be true or false here");
                    check.checksProperties = true;
                    check.additionalProperties = value.get<bool>();
                } else if (keyword == "required") {
                    if (!value.is_array()) throw ConfigError("'required' must be a list of names");
                    for (const auto& name : value) {
                        if (!name.is_string()) throw ConfigError("'required' lists names");
                        check.required.push_back(name.get<std::string>());
                    }
                } else if (keyword == "anyOf") {
                    throw ConfigError("'anyOf' must be a list of schemas");
                } else if (keyword == "items") {
                    throw ConfigError(
                        "'items' must be one schema (lists of schemas are not "
                        "implemented)");
                } else {
                    throw ConfigError("keyword '" + keyword +
                                      "' is not one the regional schema compiler implements");
                }
            } catch (const ConfigError& e) {
                refuse(file, at, e.what());
            }
        }
        for (const auto& name : check.required) {
            auto property = std::find_if(check.properties.begin(), check.properties.end(),
                                         [&](const auto& p) { return p.first == name; });
            auto place = property - check.properties.begin();
            check.requiredProperty.push_back(
                property == check.properties.end() || place >= 64 ? -1 : static_cast<int>(place));
        }
        *checks_[index] = std::move(check);
        return index;
    }

    const nlohmann::json& resolve(const std::string& file, const std::string& pointer) {
        const nlohmann::json& root = document(file);
        try {
            return pointer.empty() ? root : root.at(nlohmann::json::json_pointer(pointer));
        } catch (const nlohmann::json::exception&) {
            refuse(file, pointer, "no such place in the schema");
        }
    }

    static bool isAnnotation(const std::string& keyword) {
        static const std::vector<std::string> annotations = {
            "$schema", "$id", "$comment", "title", "description", "default", "examples"};
        return keyword.rfind("x-", 0) == 0 ||
               std::find(annotations.begin(), annotations.end(), keyword) != annotations.end();
    }

    static unsigned types(const nlohmann::json& value) {
        auto one = [](const nlohmann::json& name) {
            unsigned bit = name.is_string() ? typeBit(name.get<std::string>()) : 0;
            if (bit == 0) throw ConfigError("unknown type " + name.dump());
            return bit;
        };
        if (!value.is_array()) return one(value);
        unsigned mask = 0;
        for (const auto& name : value) mask |= one(name);
        if (mask == 0) throw ConfigError("'type' lists no type");
        return mask;
    }

    static Check::Literal literal(const nlohmann::json& value) {
        if (value.is_string()) return {Kind::String, value.get<std::string>()};
        if (value.is_boolean()) return {Kind::Boolean, "", value.get<bool>()};
        if (value.is_null()) return {Kind::Null, ""};
        throw ConfigError(
            "only text, true, false and null are implemented as 'const' and "
            "'enum' values");
    }

    std::vector<std::unique_ptr<Check>>& checks_;
    std::string directory_;
    std::map<std::string, nlohmann::json> documents_;
    std::map<std::string, std::size_t> compiled_;  ///< by "file#pointer"
    std::set<std::string> following_;              ///< the $refs being followed
};

/// One record's way through the checks: where it is, and the deepest violation found so far.
class CompiledSchema::Walk {
  public:
    explicit Walk(const RecordBody& body) : body(body) {}

    /// A step into a member or an element, for as long as it lives. Steps live on the stack of
    /// the checks that take them, each pointing to the one before, so that a walk allocates
    /// nothing unless it fails.
    class Step {
      public:
        Step(Walk& walk, std::string_view name) : Step(walk, name, 0) {}
        Step(Walk& walk, std::size_t index) : Step(walk, {}, index + 1) {}
        ~Step() { walk_.last_ = before_; }
        Step(const Step&) = delete;
        Step& operator=(const Step&) = delete;

      private:
        friend class Walk;
        Step(Walk& walk, std::string_view name, std::size_t index)
            : walk_(walk), before_(walk.last_), name_(name), index_(index) {
            walk.last_ = this;
        }

        Walk& walk_;
        const Step* before_;
        std::string_view name_;
        std::size_t index_;  ///< an array index + 1, or 0 for a name
    };

    /// A walk from the same place that finds violations of its own (an anyOf branch's).
    Walk branch() const {
        Walk other(body);
        other.last_ = last_;
        return other;
    }
    /// Takes what `branch` found, as if it had been found here.
    void adopt(Walk& branch) {
        if (!branch.found || branch.depth_ <= depth_) return;
        depth_ = branch.depth_;
        found = std::move(branch.found);
    }

    /// A violation here. valijson lists every violation and the gateway reports the deepest, the
    /// first found among equally deep ones: a later one replaces it only when deeper.
    void fail(std::string message) {
        std::vector<const Step*> steps;  // from here back to the root
        for (const Step* step = last_; step; step = step->before_) steps.push_back(step);
        std::size_t depth = steps.size() + 1;
        if (depth <= depth_) return;
        depth_ = depth;
        std::string path;
        for (auto step = steps.rbegin(); step != steps.rend(); ++step) {
            if (!path.empty()) path += '.';
            if ((*step)->index_) {
                path += std::to_string((*step)->index_ - 1);
            } else {
                path += (*step)->name_;
            }
        }
        found = SchemaViolation{std::move(path), std::move(message)};
    }

    const RecordBody& body;
    std::optional<SchemaViolation> found;

  private:
    const Step* last_ = nullptr;  ///< where the walk is
    std::size_t depth_ = 0;       ///< of the violation found
};

CompiledSchema::CompiledSchema(const std::string& schemaPath) {
    Poco::Path path(schemaPath);
    Compiler compiler(checks_, path.parent().toString());
    compiler.compileFile(path.getFileName());
}

CompiledSchema::~CompiledSchema() = default;
CompiledSchema::CompiledSchema(CompiledSchema&&) noexcept = default;

std::optional<SchemaViolation> CompiledSchema::validate(const RecordBody& body) const {
    Walk walk(body);
    check(0, body.root(), walk);
    return std::move(walk.found);
}

// In valijson's order of keywords (its parser's), so that of two violations equally deep the
// first is the one it names first.
void CompiledSchema::check(std::size_t index, RecordBody::Node value, Walk& walk) const {
    const Check& check = *checks_[index];
    const RecordBody& body = walk.body;
    Kind kind = body.kind(value);
    if (!check.anyOf.empty()) {
        // The violations of every branch count only when no branch holds, and then all do.
        std::vector<Walk> branches;
        for (std::size_t branch : check.anyOf) {
            branches.push_back(walk.branch());
            this->check(branch, value, branches.back());
            if (!branches.back().found) {
                branches.clear();
                break;
            }
        }
        if (!branches.empty()) {
            for (auto& branch : branches) walk.adopt(branch);
            walk.fail("none of the alternatives the schema allows (anyOf) holds");
        }
    }
    if (check.constant && !Check::matches(*check.constant, body, value))
        walk.fail("not the value the schema fixes (const)");
    if (check.enumeration && std::none_of(check.enumeration->begin(), check.enumeration->end(),
                                          [&](const Check::Literal& literal) {
                                              return Check::matches(literal, body, value);
                                          }))
        walk.fail("not one of the values the schema allows (enum)");
    if (check.items && kind == Kind::Array) {
        std::size_t position = 0;
        for (auto item = body.first(value); item != RecordBody::kNone; item = body.next(item)) {
            Walk::Step step(walk, position++);
            this->check(*check.items, item, walk);
        }
    }
    if (isNumber(kind)) {
        if (check.maximum && body.number(value) > *check.maximum)
            walk.fail("a number above the schema's maximum");
        if (check.minimum && body.number(value) < *check.minimum)
            walk.fail("a number below the schema's minimum");
    }
    if (kind == Kind::String) {
        std::string_view text = body.text(value);
        // A text has no more characters than bytes: only a long one is counted against maxLength.
        if (check.maxLength && text.size() > *check.maxLength &&
            characters(text, *check.maxLength + 1) > *check.maxLength)
            walk.fail("longer than the schema's maxLength");
        if (check.minLength && characters(text, *check.minLength) < *check.minLength)
            walk.fail("shorter than the schema's minLength");
        if (check.pattern && !check.pattern->found(text))
            walk.fail("does not match the schema's pattern");
    }
    std::uint64_t present = 0;  // the properties found, by place
    if (kind == Kind::Object && check.checksProperties) {
        // Both lists are in name order: one pass pairs each property with its member.
        std::optional<std::string_view> unmatched;
        auto member = body.first(value);
        for (std::size_t place = 0; place < check.properties.size(); ++place) {
            const auto& [name, schema] = check.properties[place];
            int order = 1;  // of the member against the property
            for (; member != RecordBody::kNone &&
                   (order = RecordBody::compareKeys(body.key(member), name)) < 0;
                 member = body.next(member))
                if (!unmatched) unmatched = body.key(member);
            if (member == RecordBody::kNone || order != 0) continue;
            if (place < 64) present |= std::uint64_t{1} << place;
            {
                Walk::Step step(walk, name);
                this->check(schema, member, walk);
            }
            member = body.next(member);
        }
        if (member != RecordBody::kNone && !unmatched) unmatched = body.key(member);
        if (unmatched && !check.additionalProperties)
            walk.fail("member '" + std::string(*unmatched) + "' is not one the schema defines");
    }
    if (kind == Kind::Object) {
        for (std::size_t i = 0; i < check.required.size(); ++i) {
            int place = check.requiredProperty[i];
            bool found = place >= 0 && check.checksProperties
                             ? (present >> place) & 1
                             : body.find(value, check.required[i]) != RecordBody::kNone;
            if (!found) walk.fail("the required member '" + check.required[i] + "' is missing");
        }
    }
    if (check.types != 0 && !hasType(kind, check.types))
        walk.fail("a value of a type the schema does not allow");
}

}  // namespace gw
