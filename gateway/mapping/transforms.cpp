#include "gateway/mapping/transforms.h"

#include <Poco/String.h>

#include <algorithm>

#include "gateway/core/calendar.h"
#include "gateway/core/errors.h"

namespace gw {
namespace {

class Trim : public Transform {
  public:
    std::optional<Fault> apply(Scalar& value, MappingNotes&) const override {
        Poco::trimInPlace(std::get<std::string>(value));
        return std::nullopt;
    }
};

class ChangeCase : public Transform {
  public:
    explicit ChangeCase(bool upper) : upper_(upper) {}
    std::optional<Fault> apply(Scalar& value, MappingNotes&) const override {
        auto& text = std::get<std::string>(value);
        if (upper_) {
            Poco::toUpperInPlace(text);
        } else {
            Poco::toLowerInPlace(text);
        }
        return std::nullopt;
    }

  private:
    bool upper_;
};

/// Parses a date written as d.m.yyyy (day and month padded or not), yyyy-mm-dd or yyyymmdd into
/// ISO 8601.
class ParseDate : public Transform {
  public:
    explicit ParseDate(std::string format) : format_(std::move(format)) {
        if (format_ == "d.m.yyyy") {
            parse_ = &parseFinnish;
        } else if (format_ == "yyyy-mm-dd") {
            parse_ = &parseIso;
        } else if (format_ == "yyyymmdd") {
            parse_ = &parseCompact;
        } else {
            throw ConfigError("unknown date format '" + format_ +
                              "' (use d.m.yyyy, yyyy-mm-dd or yyyymmdd)");
        }
    }

    std::optional<Fault> apply(Scalar& value, MappingNotes&) const override {
        const auto& text = std::get<std::string>(value);
        int day = 0, month = 0, year = 0;
        bool parsed = parse_(text, day, month, year);
        if (!parsed) return Fault{"map.date", {}, "not a date of the form " + format_};
        if (!isRealDate(year, month, day))
            return Fault{"map.date", {}, "no such day in the calendar"};
        value = isoDate(year, month, day);
        return std::nullopt;
    }

  private:
    // Reads 1 to maxDigits digits at text[at], advancing at.
    static bool number(const std::string& text, std::size_t& at, std::size_t minDigits,
                       std::size_t maxDigits, int& out) {
        std::size_t start = at;
        out = 0;
        while (at < text.size() && at - start < maxDigits && text[at] >= '0' && text[at] <= '9') {
            out = out * 10 + (text[at++] - '0');
        }
        return at - start >= minDigits;
    }

    static bool separator(const std::string& text, std::size_t& at, char c) {
        if (at >= text.size() || text[at] != c) return false;
        ++at;
        return true;
    }

    static bool parseFinnish(const std::string& text, int& day, int& month, int& year) {
        std::size_t at = 0;
        return number(text, at, 1, 2, day) && separator(text, at, '.') &&
               number(text, at, 1, 2, month) && separator(text, at, '.') &&
               number(text, at, 4, 4, year) && at == text.size();
    }

    static bool parseIso(const std::string& text, int& day, int& month, int& year) {
        std::size_t at = 0;
        return number(text, at, 4, 4, year) && separator(text, at, '-') &&
               number(text, at, 2, 2, month) && separator(text, at, '-') &&
               number(text, at, 2, 2, day) && at == text.size();
    }

    static bool parseCompact(const std::string& text, int& day, int& month, int& year) {
        std::size_t at = 0;
        return number(text, at, 4, 4, year) && number(text, at, 2, 2, month) &&
               number(text, at, 2, 2, day) && at == text.size();
    }

    std::string format_;
    bool (*parse_)(const std::string& text, int& day, int& month, int& year) = nullptr;
};

/// A number written with a decimal comma (12,5) or point (12.5).
class ToDecimal : public Transform {
  public:
    std::optional<Fault> apply(Scalar& value, MappingNotes&) const override {
        std::string text = std::get<std::string>(value);
        std::replace(text.begin(), text.end(), ',', '.');
        std::size_t used = 0;
        double number = 0;
        try {
            number = std::stod(text, &used);
        } catch (const std::exception&) {
            used = 0;
        }
        bool plain = text.find_first_not_of("0123456789.-") == std::string::npos;
        if (used == 0 || used != text.size() || !plain)
            return Fault{"map.decimal", {}, "not a decimal number"};
        value = number;
        return std::nullopt;
    }
    bool producesText() const override { return false; }
};

/// An identity code as systems write it, made uniform: no spaces, upper case. Whether it is valid
/// is the rule set's to say, after mapping.
class NormaliseIdentityCode : public Transform {
  public:
    std::optional<Fault> apply(Scalar& value, MappingNotes&) const override {
        auto& text = std::get<std::string>(value);
        text.erase(
            std::remove_if(text.begin(), text.end(), [](char c) { return c == ' ' || c == '\t'; }),
            text.end());
        Poco::toUpperInPlace(text);
        return std::nullopt;
    }
};

/// One part of a value that holds several: {"split": {"separator": "|", "index": 1}}.
class SplitPart : public Transform {
  public:
    explicit SplitPart(const nlohmann::json& spec) {
        if (!spec.is_object() || !spec.contains("separator") || !spec["separator"].is_string() ||
            spec["separator"].get<std::string>().empty() || !spec.contains("index") ||
            !spec["index"].is_number_unsigned()) {
            throw ConfigError("split needs a non-empty 'separator' and an 'index' from 0");
        }
        separator_ = spec["separator"].get<std::string>();
        index_ = spec["index"].get<std::size_t>();
    }

    std::optional<Fault> apply(Scalar& value, MappingNotes&) const override {
        const std::string text = std::get<std::string>(value);
        std::size_t start = 0;
        for (std::size_t part = 0; part < index_; ++part) {
            std::size_t at = text.find(separator_, start);
            if (at == std::string::npos) {
                value = std::string();  // no such part: an empty field
                return std::nullopt;
            }
            start = at + separator_.size();
        }
        std::size_t end = text.find(separator_, start);
        value = text.substr(start, end == std::string::npos ? std::string::npos : end - start);
        return std::nullopt;
    }

  private:
    std::string separator_;
    std::size_t index_ = 0;
};

class ToInteger : public Transform {
  public:
    std::optional<Fault> apply(Scalar& value, MappingNotes&) const override {
        const auto& text = std::get<std::string>(value);
        long long number = 0;
        std::size_t used = 0;
        try {
            number = std::stoll(text, &used, 10);
        } catch (const std::exception&) {
            used = 0;
        }
        if (used == 0 || used != text.size()) return Fault{"map.integer", {}, "not a whole number"};
        value = static_cast<std::int64_t>(number);
        return std::nullopt;
    }
    bool producesText() const override { return false; }
};

class Lookup : public Transform {
  public:
    explicit Lookup(const CodeTable& table) : table_(table) {}

    std::optional<Fault> apply(Scalar& value, MappingNotes& notes) const override {
        auto& local = std::get<std::string>(value);
        if (const std::string* regional = table_.find(local)) {
            local = *regional;
            return std::nullopt;
        }
        // Codes are not personal data: naming the value is what lets IT staff fix the table.
        notes.unmappedCodes.emplace_back(table_.name(), local);
        std::string problem = "code '" + local + "' is not in code table '" + table_.name() + "'";
        if (table_.policy() == CodeTable::UnmappedPolicy::Reject) {
            return Fault{"map.code-unmapped", {}, problem};
        }
        notes.warnings.push_back(problem + ", mapped to '" + table_.unknownCode() + "'");
        value = table_.unknownCode();
        return std::nullopt;
    }

  private:
    const CodeTable& table_;
};

class ToBoolean : public Transform {
  public:
    explicit ToBoolean(const nlohmann::json& spec) {
        for (const char* key : {"true", "false"}) {
            if (!spec.contains(key) || !spec[key].is_array()) {
                throw ConfigError(std::string("boolean transform needs a list of '") + key +
                                  "' values");
            }
        }
        trueValues_ = spec["true"].get<std::vector<std::string>>();
        falseValues_ = spec["false"].get<std::vector<std::string>>();
    }

    std::optional<Fault> apply(Scalar& value, MappingNotes&) const override {
        const auto& text = std::get<std::string>(value);
        auto contains = [&text](const std::vector<std::string>& list) {
            return std::find(list.begin(), list.end(), text) != list.end();
        };
        if (contains(trueValues_)) {
            value.emplace<bool>(true);
        } else if (contains(falseValues_)) {
            value.emplace<bool>(false);
        } else {
            return Fault{"map.boolean", {}, "not one of the values listed as true or false"};
        }
        return std::nullopt;
    }
    bool producesText() const override { return false; }

  private:
    std::vector<std::string> trueValues_;
    std::vector<std::string> falseValues_;
};

}  // namespace

std::unique_ptr<Transform> makeTransform(const nlohmann::json& spec,
                                         const std::map<std::string, CodeTable>& codeTables) {
    if (spec == "trim") return std::make_unique<Trim>();
    if (spec == "upper") return std::make_unique<ChangeCase>(true);
    if (spec == "lower") return std::make_unique<ChangeCase>(false);
    if (spec == "integer") return std::make_unique<ToInteger>();
    if (spec == "decimal") return std::make_unique<ToDecimal>();
    if (spec == "identity-code") return std::make_unique<NormaliseIdentityCode>();
    if (spec.is_object() && spec.size() == 1) {
        const std::string& name = spec.begin().key();
        const nlohmann::json& argument = spec.begin().value();
        if (name == "date" && argument.is_string())
            return std::make_unique<ParseDate>(argument.get<std::string>());
        if (name == "boolean") return std::make_unique<ToBoolean>(argument);
        if (name == "split") return std::make_unique<SplitPart>(argument);
        if (name == "lookup" && argument.is_string()) {
            auto table = codeTables.find(argument.get<std::string>());
            if (table == codeTables.end()) {
                throw ConfigError("lookup names code table '" + argument.get<std::string>() +
                                  "', which the mapping does not declare");
            }
            return std::make_unique<Lookup>(table->second);
        }
    }
    throw ConfigError("unknown transform " + spec.dump());
}

}  // namespace gw
