#include "adapters/json/json_adapter.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>

#include <charconv>
#include <limits>

#include "adapters/json/chunked_source.h"
#include "gateway/core/errors.h"

namespace gw {
namespace {

constexpr std::size_t kNone = std::numeric_limits<std::size_t>::max();
// A record may be up to maxRecordBytes and still be read past as an error of its own, but a single
// string, number or gap between tokens this many times longer ends the file: the parser would
// have to hold it whole.
constexpr std::uint64_t kLongestRunInRecords = 8;

// Strict JSON; strings checked to be UTF-8; numbers handed over as the text they were written as.
constexpr unsigned kParseFlags =
    rapidjson::kParseValidateEncodingFlag | rapidjson::kParseNumbersAsStringsFlag;

std::string escapePointerToken(std::string_view token) {
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

/// Turns RapidJSON's SAX events into flat records: the values at the record slot (the elements of
/// the records array, or each top-level value in NDJSON) become records of pointer-named fields.
class RecordCollector {
  public:
    RecordCollector(const JsonAdapter::Options& options,
                    const std::vector<std::string>& recordsPath, const std::string& inputName,
                    ChunkedSource* counter, const Adapter::RecordHandler& handler)
        : options_(options),
          recordsPath_(recordsPath),
          inputName_(inputName),
          counter_(counter),
          handler_(handler) {}

    /// NDJSON: the value about to be parsed is itself a record, found on `line`. The record is
    /// held until deliver(), as what follows it on the line may still make the line malformed.
    void expectRecordAt(std::uint64_t line) {
        holdRecord_ = true;
        depth_ = 0;
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
        record_.error = Fault{rule, {}, message};
        finishRecord();
        return deliver();
    }

    /// Hands the record over; NDJSON calls it once a line has proved to be one well-formed value.
    /// Returns false when the handler says to stop.
    bool deliver() {
        ++delivered_;
        if (!handler_(record_)) {
            stopped_ = true;
            return false;
        }
        return true;
    }

    /// Why the parse ended early: the collector's own reason, or else the parser's. RapidJSON's
    /// messages name the kind of error and its offset, never the text it read, which may be part
    /// of an identity code or a name.
    std::string failure(const rapidjson::ParseResult& result) const {
        if (!failure_.empty()) return failure_;
        return "byte " + std::to_string(result.Offset()) + ": " +
               rapidjson::GetParseError_En(result.Code());
    }
    bool stopped() const { return stopped_; }
    /// Records handed to the handler so far.
    std::uint64_t delivered() const { return delivered_; }

    // RapidJSON's handler concept.
    bool Null() { return scalar("", 0); }
    bool Bool(bool value) { return value ? scalar("true", 4) : scalar("false", 5); }
    bool RawNumber(const char* text, rapidjson::SizeType length, bool) {
        return scalar(text, length);
    }
    bool String(const char* text, rapidjson::SizeType length, bool) { return scalar(text, length); }
    bool Key(const char* name, rapidjson::SizeType length, bool) {
        markToken();
        // Kept as its pointer token: "~" and "/" escaped once here, not at every use.
        bool plain = true;
        for (rapidjson::SizeType i = 0; i < length; ++i) plain &= name[i] != '~' && name[i] != '/';
        if (plain) {
            top().key.assign(name, length);
        } else {
            top().key = escapePointerToken(std::string_view(name, length));
        }
        return true;
    }
    bool StartObject() { return startContainer(false); }
    bool EndObject(rapidjson::SizeType) { return endContainer(); }
    bool StartArray() { return startContainer(true); }
    bool EndArray(rapidjson::SizeType) { return endContainer(); }
    // Never called: kParseNumbersAsStringsFlag hands every number to RawNumber.
    bool Int(int) { return false; }
    bool Uint(unsigned) { return false; }
    bool Int64(std::int64_t) { return false; }
    bool Uint64(std::uint64_t) { return false; }
    bool Double(double) { return false; }

  private:
    struct Level {
        bool array = false;
        std::size_t nextIndex = 0;
        std::string key;
        std::size_t prefixLength = 0;  // of prefix_ before this container's token was added
    };

    // Appends the pointer token of the value now starting in the current container.
    void appendToken(std::string& out) {
        if (depth_ == 0) return;
        Level& level = top();
        if (level.array) {
            char digits[24];
            auto end = std::to_chars(digits, digits + sizeof digits, level.nextIndex++).ptr;
            out.append(digits, end);
        } else {
            out += level.key;
        }
    }

    Level& top() { return levels_[depth_ - 1]; }

    void pushLevel(bool array, std::size_t prefixLength) {
        if (depth_ == levels_.size()) levels_.emplace_back();
        Level& level = levels_[depth_++];
        level.array = array;
        level.nextIndex = 0;
        level.key.clear();
        level.prefixLength = prefixLength;
    }

    bool atRecordSlot() const { return slotLevel_ != kNone && depth_ == slotLevel_; }

    // Tells the source a token has ended, so the run it limits starts again.
    void markToken() {
        if (counter_) counter_->mark();
    }

    bool scalar(const char* text, std::size_t length) {
        markToken();
        if (inRecord_) {
            addField(text, length);
            return true;
        }
        if (depth_ > 0 && top().array) ++top().nextIndex;
        if (atRecordSlot()) {
            beginRecord();
            record_.error =
                Fault{"read.not-an-object", {}, "the record is a single value, not an object"};
            return finishRecord();
        }
        return true;
    }

    bool startContainer(bool array) {
        markToken();
        if (inRecord_) {
            std::size_t before = prefix_.size();
            prefix_ += '/';
            appendToken(prefix_);
            pushLevel(array, before);
        } else {
            bool startsRecord = atRecordSlot();
            if (depth_ > 0) {
                std::string token;
                appendToken(token);
                tokens_.push_back(std::move(token));
            }
            pushLevel(array, 0);
            if (startsRecord) {
                beginRecord();
            } else if (slotLevel_ == kNone && tokens_ == recordsPath_) {
                if (!array) {
                    failure_ = "the value at the records pointer is not an array";
                    return false;
                }
                slotLevel_ = depth_;
            }
        }
        if (depth_ > options_.maxDepth) {
            failure_ =
                "the JSON nests deeper than " + std::to_string(options_.maxDepth) + " levels";
            return false;
        }
        return true;
    }

    bool endContainer() {
        markToken();
        std::size_t prefixLength = top().prefixLength;
        --depth_;
        if (inRecord_) {
            if (depth_ != slotLevel_) {
                prefix_.resize(prefixLength);
                return true;
            }
            if (!tokens_.empty()) tokens_.pop_back();  // the record's own token
            return finishRecord();
        }
        if (!tokens_.empty() && tokens_.size() >= depth_) tokens_.pop_back();
        if (slotLevel_ != kNone && depth_ < slotLevel_) slotLevel_ = kNone;  // left the array
        return true;
    }

    void beginRecord() {
        inRecord_ = true;
        count_ = 0;
        prefix_.clear();
        record_.error.reset();
        if (counter_) {
            line_ = counter_->line();
            recordStart_ = counter_->Tell();
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
            bool tooLarge = recordBytes_ > options_.maxRecordBytes ||
                            (counter_ && counter_->Tell() - recordStart_ > options_.maxRecordBytes);
            if (tooLarge) {
                count_ = 0;
                record_.error = Fault{"read.record-too-large",
                                      {},
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
        return holdRecord_ || deliver();
    }

    const JsonAdapter::Options& options_;
    const std::vector<std::string>& recordsPath_;
    const std::string inputName_;
    ChunkedSource* counter_;
    const Adapter::RecordHandler& handler_;

    // The open containers are the first depth_ levels; the rest are kept for their buffers.
    std::vector<Level> levels_;
    std::size_t depth_ = 0;
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
    bool holdRecord_ = false;
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
    std::uint64_t longestRun = kLongestRunInRecords * options_.maxRecordBytes;
    ChunkedSource source(input_, longestRun);
    RecordCollector collector(options_, recordsPath_, inputName_, &source, handler);
    rapidjson::Reader reader;
    rapidjson::ParseResult result = reader.Parse<kParseFlags>(source, collector);
    if (collector.stopped() || !result.IsError()) return;
    std::string reason = source.overran()
                             ? "a single value runs longer than " + std::to_string(longestRun) +
                                   " bytes; the rest of the file cannot be read"
                             : collector.failure(result);
    throw InputError(inputName_ + " (line " + std::to_string(source.line()) + ", after record " +
                     std::to_string(collector.delivered()) + "): " + reason);
}

void JsonAdapter::readLines(const RecordHandler& handler) {
    ChunkedSource source(input_);
    RecordCollector collector(options_, recordsPath_, inputName_, nullptr, handler);
    rapidjson::Reader reader;
    std::string line;
    for (std::uint64_t number = 1; !source.atEnd(); ++number) {
        // Read one line, but never keep more of it than a record may hold.
        line.clear();
        bool tooLong = false;
        while (!source.atEnd()) {
            char c = source.Take();
            if (c == '\n') break;
            if (line.size() < options_.maxRecordBytes) {
                line.push_back(c);
            } else {
                tooLong = true;
            }
        }
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
            rapidjson::MemoryStream text(line.data(), line.size());
            rapidjson::ParseResult result = reader.Parse<kParseFlags>(text, collector);
            // A malformed line is that line's error; the next line is read normally.
            bool more = result.IsError()
                            ? collector.failLine("read.syntax", collector.failure(result))
                            : collector.deliver();
            if (!more) return;
        }
    }
}

}  // namespace gw
