#include "gateway/model/source_record.h"

namespace gw {

nlohmann::json SourcePosition::toJson() const {
    nlohmann::json j{{"input", input}, {"record", record}};
    if (line != 0) j["line"] = line;
    return j;
}

const std::string* SourceRecord::field(const std::string& name) const {
    for (const auto& [key, value] : fields) {
        if (key == name) return &value;
    }
    return nullptr;
}

nlohmann::json SourceRecord::fieldsJson() const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, value] : fields) j[key] = value;
    return j;
}

}  // namespace gw
