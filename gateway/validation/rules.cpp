#include "gateway/validation/rules.h"

#include "gateway/core/identity_code.h"

namespace gw {
namespace {

const nlohmann::json* find(const nlohmann::json& record, const char* object, const char* key) {
    auto outer = record.find(object);
    if (outer == record.end() || !outer->is_object()) return nullptr;
    auto inner = outer->find(key);
    return inner == outer->end() ? nullptr : &*inner;
}

std::optional<Fault> checkClientIdentityCode(const nlohmann::json& record) {
    const nlohmann::json* code = find(record, "client", "identityCode");
    if (!code || !code->is_string()) return std::nullopt;  // the schema says whether it is required
    const auto& text = code->get_ref<const std::string&>();
    IdentityCodeCheck check = checkIdentityCode(text);
    if (check.valid()) return std::nullopt;
    return Fault{check.rule(), "client.identityCode",
                 maskIdentityCode(text) + ": " + check.describe()};
}

std::optional<Fault> checkEpisodeDates(const nlohmann::json& record) {
    auto start = record.find("startDate");
    auto end = record.find("endDate");
    if (start == record.end() || end == record.end() || !start->is_string() || !end->is_string()) {
        return std::nullopt;
    }
    // Both are ISO 8601 dates (the schema checks that), so text order is date order.
    if (end->get_ref<const std::string&>() >= start->get_ref<const std::string&>())
        return std::nullopt;
    return Fault{"episode.end-before-start", "endDate",
                 "the episode ends (" + end->get<std::string>() + ") before it starts (" +
                     start->get<std::string>() + ")"};
}

}  // namespace

const std::vector<Rule>& regionalRules() {
    static const std::vector<Rule> rules = {
        {"identity-code", "*",
         "the client's identity code has a valid form, date and control character "
         "(rejections cite identity-code.format, identity-code.date or identity-code.control)",
         &checkClientIdentityCode},
        {"episode.end-before-start", "service_episode",
         "a service episode does not end before it starts", &checkEpisodeDates},
    };
    return rules;
}

}  // namespace gw
