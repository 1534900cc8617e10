#include "adapters/csv/csv_adapter.h"

#include <cstring>

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
            key != "maxRecordBytes") {
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
    return result;
}

CsvAdapter::CsvAdapter(std::istream& input, std::string inputName, const Options& options)
    : input_(input),
      inputName_(std::move(inputName)),
      options_(options),
      decoder_(options.encoding) {
    resetParser();
    chunk_.reserve(kChunkSize);
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
    SourceRecord record;
    while (next(record)) {
        if (!handler(record)) return;
    }
}

bool CsvAdapter::next(SourceRecord& record) {
    for (;;) {
        while (parsed_.empty() && !inputDone_) parseMore();
        if (parsed_.empty()) return false;
        Row row = std::move(parsed_.front());
        parsed_.pop_front();

        if (!header_) {
            if (row.error) {
                throw InputError(inputName_ + " line " + std::to_string(row.line) +
                                 ": the header row cannot be read: " + row.error->message);
            }
            header_ = std::move(row.fields);
            continue;
        }

        record.position = SourcePosition{inputName_, row.line, ++recordCount_};
        record.fields.clear();
        record.error = std::move(row.error);
        const auto& header = *header_;
        for (std::size_t i = 0; i < row.fields.size(); ++i) {
            std::string name = i < header.size() ? header[i] : "#" + std::to_string(i + 1);
            record.fields.emplace_back(std::move(name), std::move(row.fields[i]));
        }
        if (!record.error && row.fields.size() != header.size()) {
            record.error =
                ReadError{"read.field-count", "expected " + std::to_string(header.size()) +
                                                  " fields as in the header, found " +
                                                  std::to_string(row.fields.size())};
        }
        return true;
    }
}

void CsvAdapter::parseMore() {
    if (chunkPosition_ == chunk_.size()) {
        chunk_.resize(kChunkSize);
        input_.read(chunk_.data(), static_cast<std::streamsize>(kChunkSize));
        chunk_.resize(static_cast<std::size_t>(input_.gcount()));
        chunkPosition_ = 0;
        if (chunk_.empty()) {
            if (input_.bad()) throw InputError(inputName_ + ": read error");
            finishInput();
            return;
        }
    }
    // Feed the parser one line (or the part of it in this chunk) at a time, to know line numbers.
    const char* begin = chunk_.data() + chunkPosition_;
    std::size_t available = chunk_.size() - chunkPosition_;
    const void* newline = std::memchr(begin, '\n', available);
    std::size_t length =
        newline ? static_cast<std::size_t>(static_cast<const char*>(newline) - begin) + 1
                : available;
    chunkPosition_ += length;
    parseSegment(std::string_view(begin, length), newline != nullptr);
}

void CsvAdapter::parseSegment(std::string_view segment, bool endsLine) {
    if (skipToLineEnd_) {
        skipToLineEnd_ = !endsLine;
        if (endsLine) ++line_;
        return;
    }
    if (parser_.pstate == kRowNotBegun && row_.fields.empty() && !row_.error) row_.line = line_;

    bool invalid = false;
    std::string_view text = decoder_.decode(segment, invalid);
    if (invalid) {
        row_.error =
            ReadError{"read.encoding", "line " + std::to_string(line_) +
                                           " holds bytes that are not valid " + options_.encoding};
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
    } else if (row_.bytes + parser_.entry_pos > options_.maxRecordBytes) {
        // A row still growing past the limit: drop it now rather than buffer all of it.
        ReadError error = tooLarge();
        failRow(error.rule.c_str(), error.message);
        skipToLineEnd_ = !endsLine;
    }
    if (endsLine) ++line_;
}

void CsvAdapter::failRow(const char* rule, const std::string& message) {
    row_.error = ReadError{rule, message};
    parsed_.push_back(std::move(row_));
    row_ = Row{};
    resetParser();
}

ReadError CsvAdapter::tooLarge() const {
    return {"read.record-too-large",
            "the row is longer than " + std::to_string(options_.maxRecordBytes) + " bytes"};
}

void CsvAdapter::finishInput() {
    inputDone_ = true;
    if (decoder_.endsInsideSequence() && !row_.error) {
        row_.error = ReadError{"read.encoding", "the input ends inside a multi-byte character"};
    }
    if (csv_fini(&parser_, &onField, &onRowEnd, this) != 0) {
        failRow("read.syntax",
                "the input ends inside a quoted field opened on line " + std::to_string(row_.line));
    } else if (!row_.fields.empty() || row_.error) {
        parsed_.push_back(std::move(row_));
        row_ = Row{};
    }
}

void CsvAdapter::onField(void* data, std::size_t length, void* self) {
    auto* adapter = static_cast<CsvAdapter*>(self);
    adapter->row_.fields.emplace_back(data ? static_cast<const char*>(data) : "",
                                      data ? length : 0);
    adapter->row_.bytes += length;
}

void CsvAdapter::onRowEnd(int, void* self) {
    auto* adapter = static_cast<CsvAdapter*>(self);
    if (adapter->row_.bytes > adapter->options_.maxRecordBytes) {
        adapter->row_.fields.clear();
        if (!adapter->row_.error) adapter->row_.error = adapter->tooLarge();
    }
    adapter->parsed_.push_back(std::move(adapter->row_));
    adapter->row_ = Row{};
    // Another row may begin on this same line (old files that end rows with CR alone).
    adapter->row_.line = adapter->line_;
}

}  // namespace gw
