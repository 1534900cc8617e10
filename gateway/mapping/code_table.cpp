#include "gateway/mapping/code_table.h"

#include <fstream>

#include "adapters/csv/csv_adapter.h"
#include "gateway/core/errors.h"

namespace gw {

CodeTable CodeTable::load(const std::string& name, const std::string& path, UnmappedPolicy policy,
                          std::string unknownCode) {
    std::ifstream file(path, std::ios::binary);
    if (!file) throw ConfigError("code table '" + name + "': cannot open " + path);
    CodeTable table;
    table.name_ = name;
    table.policy_ = policy;
    table.unknownCode_ = std::move(unknownCode);

    CsvAdapter reader(file, path, CsvAdapter::Options{});
    reader.read([&](SourceRecord& row) {
        const std::string* local = row.field("local");
        const std::string* regional = row.field("regional");
        if (row.error || !local || !regional) {
            throw ConfigError("code table '" + name + "': " + path + " line " +
                              std::to_string(row.position.line) + " is not a 'local;regional' row");
        }
        if (!table.codes_.emplace(*local, *regional).second) {
            throw ConfigError("code table '" + name + "': " + path + " line " +
                              std::to_string(row.position.line) + " repeats local code '" + *local +
                              "'");
        }
        return true;
    });
    return table;
}

const std::string* CodeTable::find(const std::string& localCode) const {
    auto it = codes_.find(localCode);
    return it == codes_.end() ? nullptr : &it->second;
}

}  // namespace gw
