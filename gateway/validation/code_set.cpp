#include "gateway/validation/code_set.h"

#include <fstream>

#include "adapters/csv/csv_adapter.h"
#include "gateway/core/errors.h"

namespace gw {

CodeSet CodeSet::load(const std::string& codeDirectory, const std::string& name) {
    std::string path = codeDirectory + "/" + name + ".csv";
    std::ifstream file(path, std::ios::binary);
    if (!file) throw ConfigError("code set '" + name + "': cannot open " + path);
    CodeSet set;
    CsvAdapter reader(file, path, CsvAdapter::Options{});
    reader.read([&](SourceRecord& row) {
        auto field = [&](const char* column) -> std::string {
            const std::string* value = row.field(column);
            if (row.error || !value) {
                throw ConfigError(path + " line " + std::to_string(row.position.line) +
                                  ": no column '" + column + "'");
            }
            return *value;
        };
        set.codes_.push_back({field("code"), field("fi"), field("en"), field("national_system"),
                              field("national_code")});
        return true;
    });
    return set;
}

const std::string& CodeSet::finnish(const std::string& code) const {
    for (const auto& entry : codes_) {
        if (entry.code == code) return entry.finnish;
    }
    return code;
}

}  // namespace gw
