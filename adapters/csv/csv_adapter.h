#pragma once

#include <csv.h>

#include <optional>
#include <string>
#include <vector>

#include "adapters/adapter.h"
#include "adapters/text_decoder.h"

namespace gw {

/// Streams the rows of an RFC 4180 CSV export (header row first) as records, with libcsv doing
/// the quoting rules and this class the encodings, line numbers and per-row errors.
class CsvAdapter : public Adapter {
  public:
    struct Options {
        char delimiter = ';';
        char quote = '"';
        std::string encoding = "utf-8";
        std::size_t maxRecordBytes = 1 << 20;
        /// More columns than this in a row make it a read.too-many-columns error (in the header:
        /// the whole input), so that a row's memory does not grow with its column count.
        std::size_t maxColumns = 2048;

        /// Reads {"delimiter", "quote", "encoding", "maxRecordBytes", "maxColumns"}; throws
        /// ConfigError.
        static Options fromJson(const nlohmann::json& options);
    };

    CsvAdapter(std::istream& input, std::string inputName, const Options& options);
    ~CsvAdapter() override;
    CsvAdapter(const CsvAdapter&) = delete;
    CsvAdapter& operator=(const CsvAdapter&) = delete;

    static std::unique_ptr<Adapter> create(std::istream& input, const std::string& inputName,
                                           const nlohmann::json& options);

    void read(const RecordHandler& handler) override;

  private:
    void parseSegment(std::string_view segment, bool endsLine);
    // Splits a whole line without quotes or lone CRs at its delimiters, the one case that needs
    // no quoting rules; false leaves the line to libcsv.
    bool splitPlainLine(std::string_view line);
    void finishInput();
    void resetParser();
    void addField(const char* text, std::size_t length);
    void endRow();
    void failRow(const char* rule, const std::string& message);
    Fault tooLarge() const;
    static void onField(void* data, std::size_t length, void* self);
    static void onRowEnd(int terminator, void* self);

    std::istream& input_;
    std::string inputName_;
    Options options_;
    TextDecoder decoder_;
    csv_parser parser_{};
    const RecordHandler* handler_ = nullptr;
    bool stopped_ = false;        // the handler asked to stop
    bool skipToLineEnd_ = false;  // after a syntax error, the rest of that line is not a row
    std::uint64_t line_ = 1;      // the line being parsed

    // The row being parsed is built in place in record_: its first count_ fields are this row's
    // (the strings beyond are kept for their buffers, so that steady reading allocates nothing).
    SourceRecord record_;
    std::size_t count_ = 0;
    std::size_t bytes_ = 0;
    std::uint64_t rowLine_ = 1;
    std::optional<std::vector<std::string>> header_;
    std::uint64_t recordCount_ = 0;
};

}  // namespace gw
