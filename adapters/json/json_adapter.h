#pragma once

#include <string>
#include <vector>

#include "adapters/adapter.h"

namespace gw {

/// Streams the records of a JSON export through RapidJSON's SAX reader, so that a 2 GB array is
/// never held in memory: the elements of the array at a JSON Pointer, or one value per line
/// (NDJSON). Each record's fields are its leaf values, named by their JSON Pointer within the
/// record ("/client/hetu", "/goals/0/text"); null becomes an empty field.
class JsonAdapter : public Adapter {
  public:
    struct Options {
        std::string records;  ///< JSON Pointer of the records array ("" for a top-level array)
        bool lines = false;   ///< NDJSON: one record per line instead
        std::size_t maxDepth = 64;
        std::size_t maxRecordBytes = 1 << 20;

        /// Reads {"records", "lines", "maxDepth", "maxRecordBytes"}; throws ConfigError.
        static Options fromJson(const nlohmann::json& options);
    };

    JsonAdapter(std::istream& input, std::string inputName, Options options);

    static std::unique_ptr<Adapter> create(std::istream& input, const std::string& inputName,
                                           const nlohmann::json& options);

    void read(const RecordHandler& handler) override;

  private:
    void readArray(const RecordHandler& handler);
    void readLines(const RecordHandler& handler);

    std::istream& input_;
    std::string inputName_;
    Options options_;
    std::vector<std::string> recordsPath_;  // options_.records split into unescaped tokens
};

}  // namespace gw
