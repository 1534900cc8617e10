#include "adapters/json/json_adapter.h"

#include <limits>

#include "adapters/json/chunked_source.h"
#include "gateway/core/errors.h"

namespace gw {
namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();

std::string escapePointerToken(const std::string& token) {
    std::string escaped;
    for (char c : token) {
        if (c == '~') {
            escaped += "~0";
        } else if (c == '/') {
            escaped += "~1";
        } else {
            escaped += c;
        }
    }
    return escaped;
}

/// Turns SAX events into flat records: the values at the record slot (the elements of the records
/// array, or each top-level value in NDJSON) become records of pointer-named fields.
class RecordCollector : public nlohmann::json_sax<nlohmann::json> {
  public:
    RecordCollector(const JsonAdapter::Options& options,
                    const std::vector<std::string>& recordsPath, const std::string& inputName,
                    ChunkedSource* counter, const Adapter::RecordHandler& handler)
        : options_(options),
          recordsPath_(recordsPath),
          inputName_(inputName),
          counter_(counter),
          handler_(handler) {}

    /// NDJSON: the value about to be parsed is itself a record, found on `line`.
    void expectRecordAt(std::uint64_t line) {
        levels_.clear();
        tokens_.clear();
        inRecord_ = false;
        failure_.clear();
        slotLevel_ = 0;
        line_ = line;
        recordsBeforeLine_ = records_;
    }

    /// NDJSON: the line being read is one record that could not be read.
    bool failLine(const char* rule, const std::string& message) {
        records_ = recordsBeforeLine_;
        beginRecord();
        record_.error = ReadError{rule, message};
        return finishRecord();
    }

    bool stopped() const { return stopped_; }
    const std::string& failure() const { return failure_; }
    /// Records handed to the handler so far.
    std::uint64_t delivered() const { return delivered_; }

    bool null() override { return scalar("", 0); }
    bool boolean(bool value) override { return value ? scalar("true", 4) : scalar("false", 5); }
    bool number_integer(number_integer_t value) override {
        std::string text = std::to_string(value);
        return scalar(text.data(), text.size());
    }
    bool number_unsigned(number_unsigned_t value) override {
        std::string text = std::to_string(value);
        return scalar(text.data(), text.size());
    }
    bool number_float(number_float_t, const string_t& text) override {
        return scalar(text.data(), text.size());
    }
    bool string(string_t& value) override { return scalar(value.data(), value.size()); }
    bool binary(binary_t&) override { return scalar("", 0); }
    bool key(string_t& name) override {
        // Kept as its pointer token: "~" and "/" escaped once here, not at every use.
        bool plain = true;
        for (char c : name) plain &= c != '~' && c != '/';
        levels_.back().key = plain ? name : escapePointerToken(name);
        return true;
    }
    bool start_object(std::size_t) override { return startContainer(false); }
    bool end_object() override { return endContainer(); }
    bool start_array(std::size_t) override { return startContainer(true); }
    bool end_array() override { return endContainer(); }

    bool parse_error(std::size_t position, const std::string&,
                     const nlohmann::detail::exception& error) override {
        // nlohmann/json ends its message with the text it last read, which may be part of an
        // identity code or a name: that part never goes into a message.
        std::string message = error.what();
        message = message.substr(0, message.find("; last read:"));
        failure_ = "byte " + std::to_string(position) + ": " + message;
        return false;
    }

  private:
    struct Level {
        bool array = false;
        std::size_t nextIndex = 0;
        std::string key;
        std::size_t prefixLength = 0;  // of prefix_ before this container's token was added
    };

    // Appends the pointer token of the value now starting in the current container.
    void appendToken(std::string& out) {
        if (levels_.empty()) return;
        Level& level = levels_.back();
        if (level.array) {
            out += std::to_string(level.nextIndex++);
        } else {
            out += level.key;
        }
    }

    bool atRecordSlot() const { return slotLevel_ != kNone && levels_.size() == slotLevel_; }

    bool scalar(const char* text, std::size_t length) {
        if (inRecord_) {
            addField(text, length);
            return true;
        }
        if (!levels_.empty() && levels_.back().array) ++levels_.back().nextIndex;
        if (atRecordSlot()) {
            beginRecord();
            record_.error =
                ReadError{"read.not-an-object", "the record is a single value, not an object"};
            return finishRecord();
        }
        return true;
    }

    bool startContainer(bool array) {
        if (inRecord_) {
            std::size_t before = prefix_.size();
            prefix_ += '/';
            appendToken(prefix_);
            levels_.push_back(Level{array, 0, std::string(), before});
        } else {
            bool startsRecord = atRecordSlot();
            if (!levels_.empty()) {
                std::string token;
                appendToken(token);
                tokens_.push_back(std::move(token));
            }
            levels_.push_back(Level{array, 0, std::string(), 0});
            if (startsRecord) {
                beginRecord();
            } else if (slotLevel_ == kNone && tokens_ == recordsPath_) {
                if (!array) {
                    failure_ = "the value at the records pointer is not an array";
                    return false;
                }
                slotLevel_ = levels_.size();
            }
        }
        if (levels_.size() > options_.maxDepth) {
            failure_ =
                "the JSON nests deeper than " + std::to_string(options_.maxDepth) + " levels";
            return false;
        }
        return true;
    }

    bool endContainer() {
        std::size_t prefixLength = levels_.back().prefixLength;
        levels_.pop_back();
        if (inRecord_) {
            if (levels_.size() != slotLevel_) {
                prefix_.resize(prefixLength);
                return true;
            }
            if (!tokens_.empty()) tokens_.pop_back();  // the record's own token
            return finishRecord();
        }
        if (!tokens_.empty() && tokens_.size() >= levels_.size()) tokens_.pop_back();
        if (slotLevel_ != kNone && levels_.size() < slotLevel_)
            slotLevel_ = kNone;  // left the array
        return true;
    }

    void beginRecord() {
        inRecord_ = true;
        count_ = 0;
        prefix_.clear();
        record_.error.reset();
        if (counter_) {
            line_ = counter_->line();
            recordStart_ = counter_->offset();
        }
        record_.position = {inputName_, line_, ++records_};
        recordBytes_ = 0;
    }

    void addField(const char* text, std::size_t length) {
        std::size_t nameStart = prefix_.size();
        prefix_ += '/';
        appendToken(prefix_);
        if (!record_.error) {
            recordBytes_ += prefix_.size() + length;
            bool tooLarge =
                recordBytes_ > options_.maxRecordBytes ||
                (counter_ && counter_->offset() - recordStart_ > options_.maxRecordBytes);
            if (tooLarge) {
                count_ = 0;
                record_.error = ReadError{"read.record-too-large",
                                          "the record is longer than " +
                                              std::to_string(options_.maxRecordBytes) + " bytes"};
            } else {
                // Reuse the buffers of the last record's fields: no allocation once warmed up.
                if (count_ == record_.fields.size()) record_.fields.emplace_back();
                auto& field = record_.fields[count_++];
                field.first.assign(prefix_);
                field.second.assign(text, length);
            }
        }
        prefix_.resize(nameStart);
    }

    bool finishRecord() {
        inRecord_ = false;
        record_.fields.resize(count_);
        ++delivered_;
        if (!handler_(record_)) {
            stopped_ = true;
            return false;
        }
        return true;
    }

    const JsonAdapter::Options& options_;
    const std::vector<std::string>& recordsPath_;
    const std::string inputName_;
    ChunkedSource* counter_;
    const Adapter::RecordHandler& handler_;

    std::vector<Level> levels_;
    std::vector<std::string> tokens_;  // outside records: pointer tokens of the open containers
    std::size_t slotLevel_ = kNone;    // records are the values started at this many open levels
    bool inRecord_ = false;
    std::string prefix_;  // inside a record: the pointer of the open container, relative to it
    SourceRecord record_;
    std::size_t count_ = 0;
    std::uint64_t records_ = 0;  // begun
    std::uint64_t delivered_ = 0;
    std::uint64_t recordsBeforeLine_ = 0;
    std::uint64_t line_ = 0;
    std::uint64_t recordStart_ = 0;
    std::size_t recordBytes_ = 0;
    bool stopped_ = false;
    std::string failure_;
};

std::vector<std::string> splitPointer(const std::string& pointer) {
    try {
        nlohmann::json::json_pointer parsed(pointer);
        std::vector<std::string> tokens;
        for (; !parsed.empty(); parsed = parsed.parent_pointer()) {
            tokens.insert(tokens.begin(), escapePointerToken(parsed.back()));
        }
        return tokens;
    } catch (const nlohmann::json::exception& e) {
        throw ConfigError("json option 'records' is not a JSON Pointer: " + std::string(e.what()));
    }
}

}  // namespace

JsonAdapter::Options JsonAdapter::Options::fromJson(const nlohmann::json& options) {
    if (!options.is_object()) throw ConfigError("json options must be an object");
    Options result;
    for (const auto& [key, value] : options.items()) {
        if (key == "format") continue;
        if (key == "records" && value.is_string()) {
            result.records = value.get<std::string>();
        } else if (key == "lines" && value.is_boolean()) {
            result.lines = value.get<bool>();
        } else if ((key == "maxDepth" || key == "maxRecordBytes") && value.is_number_integer() &&
                   value.get<long long>() > 0) {
            (key == "maxDepth" ? result.maxDepth : result.maxRecordBytes) =
                value.get<std::size_t>();
        } else {
            throw ConfigError("unknown or malformed json option '" + key + "'");
        }
    }
    if (result.lines && !result.records.empty()) {
        throw ConfigError("json options 'lines' and 'records' exclude each other");
    }
    return result;
}

JsonAdapter::JsonAdapter(std::istream& input, std::string inputName, Options options)
    : input_(input), inputName_(std::move(inputName)), options_(std::move(options)) {
    recordsPath_ = splitPointer(options_.records);
}

std::unique_ptr<Adapter> JsonAdapter::create(std::istream& input, const std::string& inputName,
                                             const nlohmann::json& options) {
    return std::make_unique<JsonAdapter>(input, inputName, Options::fromJson(options));
}

void JsonAdapter::read(const RecordHandler& handler) {
    if (options_.lines) {
        readLines(handler);
    } else {
        readArray(handler);
    }
}

void JsonAdapter::readArray(const RecordHandler& handler) {
    ChunkedSource source(input_);
    RecordCollector collector(options_, recordsPath_, inputName_, &source, handler);
    bool complete = nlohmann::json::sax_parse(source.begin(), source.end(), &collector);
    if (collector.stopped()) return;
    if (!complete) {
        throw InputError(inputName_ + " (line " + std::to_string(source.line()) +
                         ", after record " + std::to_string(collector.delivered()) +
                         "): " + collector.failure());
    }
}

void JsonAdapter::readLines(const RecordHandler& handler) {
    RecordCollector collector(options_, recordsPath_, inputName_, nullptr, handler);
    std::string line;
    for (std::uint64_t number = 1;; ++number) {
        // Read one line, but never keep more of it than a record may hold.
        line.clear();
        bool tooLong = false;
        int c = 0;
        while ((c = input_.get()) != EOF && c != '\n') {
            if (line.size() < options_.maxRecordBytes) {
                line.push_back(static_cast<char>(c));
            } else {
                tooLong = true;
            }
        }
        if (c == EOF && line.empty()) return;
        bool blank = line.find_first_not_of(" \t\r") == std::string::npos;
        if (tooLong) {
            collector.expectRecordAt(number);
            if (!collector.failLine("read.record-too-large",
                                    "the line is longer than " +
                                        std::to_string(options_.maxRecordBytes) + " bytes")) {
                return;
            }
        } else if (!blank) {
            collector.expectRecordAt(number);
            if (!nlohmann::json::sax_parse(line, &collector)) {
                if (collector.stopped()) return;
                // A malformed line is that line's error; the next line is read normally.
                if (!collector.failLine("read.syntax", collector.failure())) return;
            }
        }
        if (c == EOF) return;
    }
}

}  // namespace gw
