#pragma once

#include <csv.h>

#include <deque>
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

        /// Reads {"delimiter", "quote", "encoding", "maxRecordBytes"}; throws ConfigError.
        static Options fromJson(const nlohmann::json& options);
    };

    CsvAdapter(std::istream& input, std::string inputName, const Options& options);
    ~CsvAdapter() override;
    CsvAdapter(const CsvAdapter&) = delete;
    CsvAdapter& operator=(const CsvAdapter&) = delete;

    static std::unique_ptr<Adapter> create(std::istream& input, const std::string& inputName,
                                           const nlohmann::json& options);

    void read(const RecordHandler& handler) override;

    /// Reads the next record into `record`; false at the end of the input. For callers that pull
    /// rows one at a time (code tables).
    bool next(SourceRecord& record);

  private:
    struct Row {
        std::uint64_t line = 0;
        std::vector<std::string> fields;
        std::size_t bytes = 0;
        std::optional<ReadError> error;
    };

    void parseMore();
    void parseSegment(std::string_view segment, bool endsLine);
    void finishInput();
    void resetParser();
    void failRow(const char* rule, const std::string& message);
    ReadError tooLarge() const;
    static void onField(void* data, std::size_t length, void* self);
    static void onRowEnd(int terminator, void* self);

    std::istream& input_;
    std::string inputName_;
    Options options_;
    TextDecoder decoder_;
    csv_parser parser_{};

    std::string chunk_;
    std::size_t chunkPosition_ = 0;
    bool inputDone_ = false;
    bool skipToLineEnd_ = false;  // after a syntax error, the rest of that line is not a row
    std::uint64_t line_ = 1;      // the line being parsed
    Row row_;                     // the row being parsed
    std::deque<Row> parsed_;      // complete rows not yet handed out

    std::optional<std::vector<std::string>> header_;
    std::uint64_t recordCount_ = 0;
};

}  // namespace gw
