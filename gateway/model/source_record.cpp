#include "gateway/model/source_record.h"

namespace gw {

nlohmann::json SourcePosition::toJson() const {
    nlohmann::json j{{"input", input}, {"record", record}};
    if (line != 0) j["line"] = line;
    return j;
}

const std::string* SourceRecord::field(const std::string& name) const {
    FieldHint anywhere;
    return field(name, anywhere);
}

const std::string* SourceRecord::field(const std::string& name, const FieldHint& hint) const {
    std::uint32_t hinted = hint.place_.load(std::memory_order_relaxed);
    if (hinted < fields.size() && fields[hinted].first == name) return &fields[hinted].second;
    for (std::size_t place = 0; place < fields.size(); ++place) {
        if (fields[place].first != name) continue;
        if (place != hinted)
            hint.place_.store(static_cast<std::uint32_t>(place), std::memory_order_relaxed);
        return &fields[place].second;
    }
    return nullptr;
}

nlohmann::json SourceRecord::fieldsJson() const {
    nlohmann::json j = nlohmann::json::object();
    for (const auto& [key, value] : fields) j[key] = value;
    return j;
}

}  // namespace gw
