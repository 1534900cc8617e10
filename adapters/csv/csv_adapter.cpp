#include "adapters/csv/csv_adapter.h"

#include <cstring>
#include <vector>

#include "gateway/core/errors.h"

namespace gw {
namespace {

constexpr std::size_t kChunkSize = 64 * 1024;
// libcsv's parser states (libcsv.c): before the first character of a row, and inside a field.
constexpr int kRowNotBegun = 0;
constexpr int kFieldBegun = 2;

// Fields are kept exactly as written: libcsv would otherwise trim spaces and tabs.
int noSpaceCharacters(unsigned char) {
    return 0;
}

char singleCharacter(const nlohmann::json& options, const char* key, char fallback) {
    if (!options.contains(key)) return fallback;
    const auto& value = options.at(key);
    if (!value.is_string() || value.get<std::string>().size() != 1) {
        throw ConfigError(std::string("csv option '") + key + "' must be a single character");
    }
    return value.get<std::string>()[0];
}

}  // namespace

CsvAdapter::Options CsvAdapter::Options::fromJson(const nlohmann::json& options) {
    if (!options.is_object()) throw ConfigError("csv options must be an object");
    for (const auto& [key, value] : options.items()) {
        if (key != "format" && key != "delimiter" && key != "quote" && key != "encoding" &&
            key != "maxRecordBytes" && key != "maxColumns") {
            throw ConfigError("unknown csv option '" + key + "'");
        }
    }
    Options result;
    result.delimiter = singleCharacter(options, "delimiter", result.delimiter);
    result.quote = singleCharacter(options, "quote", result.quote);
    if (options.contains("encoding")) {
        if (!options["encoding"].is_string())
            throw ConfigError("csv option 'encoding' must be a string");
        result.encoding = options["encoding"].get<std::string>();
    }
    if (options.contains("maxRecordBytes")) {
        if (!options["maxRecordBytes"].is_number_integer() ||
            options["maxRecordBytes"].get<long long>() <= 0) {
            throw ConfigError("csv option 'maxRecordBytes' must be a positive integer");
        }
        result.maxRecordBytes = options["maxRecordBytes"].get<std::size_t>();
    }
    if (options.contains("maxColumns")) {
        if (!options["maxColumns"].is_number_integer() ||
            options["maxColumns"].get<long long>() <= 0) {
            throw ConfigError("csv option 'maxColumns' must be a positive integer");
        }
        result.maxColumns = options["maxColumns"].get<std::size_t>();
    }
    return result;
}

CsvAdapter::CsvAdapter(std::istream& input, std::string inputName, const Options& options)
    : input_(input),
      inputName_(std::move(inputName)),
      options_(options),
      decoder_(options.encoding) {
    resetParser();
}

CsvAdapter::~CsvAdapter() {
    csv_free(&parser_);
}

std::unique_ptr<Adapter> CsvAdapter::create(std::istream& input, const std::string& inputName,
                                            const nlohmann::json& options) {
    return std::make_unique<CsvAdapter>(input, inputName, Options::fromJson(options));
}

void CsvAdapter::resetParser() {
    csv_free(&parser_);
    if (csv_init(&parser_, CSV_STRICT | CSV_STRICT_FINI) != 0) {
        throw InputError("cannot initialise the CSV parser");
    }
    csv_set_delim(&parser_, static_cast<unsigned char>(options_.delimiter));
    csv_set_quote(&parser_, static_cast<unsigned char>(options_.quote));
    csv_set_space_func(&parser_, &noSpaceCharacters);
}

void CsvAdapter::read(const RecordHandler& handler) {
    handler_ = &handler;
    std::vector<char> chunk(kChunkSize);
    while (!stopped_) {
        input_.read(chunk.data(), static_cast<std::streamsize>(chunk.size()));
        auto got = static_cast<std::size_t>(input_.gcount());
        if (got == 0) {
            if (input_.bad()) throw InputError(inputName_ + ": read error");
            finishInput();
            return;
        }
        // Feed the parser one line (or the part of it in this chunk) at a time, to know line
        // numbers.
        for (std::size_t at = 0; at < got && !stopped_;) {
            const void* newline = std::memchr(chunk.data() + at, '\n', got - at);
            std::size_t end =
                newline
                    ? static_cast<std::size_t>(static_cast<const char*>(newline) - chunk.data()) + 1
                    : got;
            parseSegment(std::string_view(chunk.data() + at, end - at), newline != nullptr);
            at = end;
        }
    }
}

void CsvAdapter::parseSegment(std::string_view segment, bool endsLine) {
    if (skipToLineEnd_) {
        skipToLineEnd_ = !endsLine;
        if (endsLine) ++line_;
        return;
    }
    if (parser_.pstate == kRowNotBegun && count_ == 0 && !record_.error) rowLine_ = line_;

    bool invalid = false;
    std::string_view text = decoder_.decode(segment, invalid);
    if (invalid) {
        record_.error = Fault{"read.encoding",
                              {},
                              "line " + std::to_string(line_) + " holds bytes that are not valid " +
                                  options_.encoding};
    }
    if (endsLine && parser_.pstate == kRowNotBegun && splitPlainLine(text)) {
        ++line_;
        return;
    }
    std::size_t parsed = csv_parse(&parser_, text.data(), text.size(), &onField, &onRowEnd, this);
    // A quote inside an unquoted field (37°36'37.8"N) is taken as a literal character, as most
    // readers do; text after a closing quote stays an error.
    while (parsed < text.size() && parser_.pstate == kFieldBegun && !parser_.quoted &&
           text[parsed] == options_.quote) {
        csv_set_opts(&parser_, CSV_STRICT_FINI);
        parsed += csv_parse(&parser_, text.data() + parsed, 1, &onField, &onRowEnd, this);
        csv_set_opts(&parser_, CSV_STRICT | CSV_STRICT_FINI);
        parsed += csv_parse(&parser_, text.data() + parsed, text.size() - parsed, &onField,
                            &onRowEnd, this);
    }
    if (parsed != text.size()) {
        failRow("read.syntax", "malformed quoting on line " + std::to_string(line_) + ": " +
                                   csv_strerror(csv_error(&parser_)));
        skipToLineEnd_ = !endsLine;
    } else if (bytes_ + parser_.entry_pos > options_.maxRecordBytes) {
        // A row still growing past the limit: drop it now rather than buffer all of it.
        Fault error = tooLarge();
        failRow(error.rule.c_str(), error.message);
        skipToLineEnd_ = !endsLine;
    }
    if (endsLine) ++line_;
}

bool CsvAdapter::splitPlainLine(std::string_view line) {
    if (line.empty() || line.back() != '\n') return false;
    std::size_t end = line.size() - 1;
    if (end > 0 && line[end - 1] == '\r') --end;
    std::string_view content = line.substr(0, end);
    // Anything with a quote or a lone CR needs libcsv's quoting rules.
    if (content.find(options_.quote) != std::string_view::npos ||
        content.find('\r') != std::string_view::npos) {
        return false;
    }
    if (content.empty()) return true;  // a blank line is no row, as libcsv has it
    if (content.size() > options_.maxRecordBytes) {
        record_.error = tooLarge();
    } else {
        for (std::size_t start = 0;;) {
            std::size_t delimiter = content.find(options_.delimiter, start);
            std::size_t stop = delimiter == std::string_view::npos ? content.size() : delimiter;
            addField(content.data() + start, stop - start);
            if (delimiter == std::string_view::npos) break;
            start = delimiter + 1;
        }
    }
    endRow();
    return true;
}

void CsvAdapter::addField(const char* text, std::size_t length) {
    auto& fields = record_.fields;
    if (count_ >= options_.maxColumns) {
        ++count_;  // counted, not kept: endRow() refuses the row
        return;
    }
    if (count_ < fields.size()) {
        fields[count_].second.assign(text, length);
    } else {
        fields.emplace_back(std::string(), std::string(text, length));
    }
    ++count_;
    bytes_ += length;
}

// Hands the finished row to the handler (the first row becomes the header) and starts the next.
void CsvAdapter::endRow() {
    std::uint64_t line = rowLine_;
    std::size_t count = count_;
    count_ = 0;
    bytes_ = 0;
    // Another row may begin on this same line (old files that end rows with CR alone).
    rowLine_ = line_;
    if (stopped_) return;

    auto& fields = record_.fields;
    if (count > options_.maxColumns && !record_.error) {
        record_.error = Fault{"read.too-many-columns",
                              {},
                              "the row has " + std::to_string(count) + " columns; at most " +
                                  std::to_string(options_.maxColumns) + " are read"};
    }
    if (!header_) {
        if (record_.error) {
            throw InputError(inputName_ + " line " + std::to_string(line) +
                             ": the header row cannot be read: " + record_.error->message);
        }
        header_.emplace();
        for (std::size_t i = 0; i < count; ++i) header_->push_back(fields[i].second);
        return;
    }
    if (record_.error && (record_.error->rule == "read.record-too-large" ||
                          record_.error->rule == "read.too-many-columns"))
        count = 0;
    fields.resize(count);
    const auto& header = *header_;
    for (std::size_t i = 0; i < count; ++i) {
        if (i >= header.size()) {
            fields[i].first = "#" + std::to_string(i + 1);
        } else if (fields[i].first != header[i]) {  // usually the last row's names already
            fields[i].first = header[i];
        }
    }
    if (!record_.error && count != header.size()) {
        record_.error = Fault{"read.field-count",
                              {},
                              "expected " + std::to_string(header.size()) +
                                  " fields as in the header, found " + std::to_string(count)};
    }
    // Member by member: the input's name is copied into the buffer the record had for it.
    record_.position.input = inputName_;
    record_.position.line = line;
    record_.position.record = ++recordCount_;
    if (!(*handler_)(record_)) stopped_ = true;
    record_.error.reset();
}

void CsvAdapter::failRow(const char* rule, const std::string& message) {
    record_.error = Fault{rule, {}, message};
    endRow();
    resetParser();
}

Fault CsvAdapter::tooLarge() const {
    return {"read.record-too-large",
            {},
            "the row is longer than " + std::to_string(options_.maxRecordBytes) + " bytes"};
}

void CsvAdapter::finishInput() {
    if (decoder_.endsInsideSequence() && !record_.error) {
        record_.error = Fault{"read.encoding", {}, "the input ends inside a multi-byte character"};
    }
    if (csv_fini(&parser_, &onField, &onRowEnd, this) != 0) {
        failRow("read.syntax",
                "the input ends inside a quoted field opened on line " + std::to_string(rowLine_));
    } else if (count_ != 0 || record_.error) {
        endRow();
    }
}

void CsvAdapter::onField(void* data, std::size_t length, void* self) {
    static_cast<CsvAdapter*>(self)->addField(data ? static_cast<const char*>(data) : "",
                                             data ? length : 0);
}

void CsvAdapter::onRowEnd(int, void* self) {
    auto* adapter = static_cast<CsvAdapter*>(self);
    if (adapter->bytes_ > adapter->options_.maxRecordBytes && !adapter->record_.error) {
        adapter->record_.error = adapter->tooLarge();
    }
    adapter->endRow();
}

}  // namespace gw
