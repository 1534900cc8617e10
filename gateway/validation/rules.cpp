#include "gateway/validation/rules.h"

#include "gateway/core/identity_code.h"

namespace gw {
namespace {

using Group = std::vector<RegionalRecord>;

// The text at record[key] or record[object][key]; nothing when absent or not text.
std::optional<std::string_view> text(const RecordBody& record, const char* key,
                                     const char* object = nullptr) {
    RecordBody::Node node = object ? record.find(record.root(), object) : record.root();
    if (node == RecordBody::kNone) return std::nullopt;
    return record.textAt(node, key);
}

// Dates are ISO 8601 (the schema checks the form), so text order is date order.
std::optional<Fault> notBefore(const RecordBody& record, const char* rule, const char* earlier,
                               const char* later, const char* what) {
    std::optional<std::string_view> first = text(record, earlier);
    std::optional<std::string_view> second = text(record, later);
    if (!first || !second || *second >= *first) return std::nullopt;
    return Fault{rule, later,
                 std::string(what) + ": " + later + " " + std::string(*second) + " is before " +
                     earlier + " " + std::string(*first)};
}

std::optional<Fault> checkClientIdentityCode(const RecordBody& record, const Group&) {
    std::optional<std::string_view> code = text(record, "identityCode", "client");
    if (!code) return std::nullopt;  // the schema says whether it is required
    IdentityCodeCheck check = checkIdentityCode(*code);
    if (check.valid()) return std::nullopt;
    return Fault{check.rule(), "client.identityCode",
                 maskIdentityCode(*code) + ": " + check.describe()};
}

std::optional<Fault> checkEpisodeDates(const RecordBody& record, const Group&) {
    return notBefore(record, "episode.end-before-start", "startDate", "endDate",
                     "the episode ends before it starts");
}

std::optional<Fault> checkPlacementDates(const RecordBody& record, const Group&) {
    return notBefore(record, "placement.end-before-start", "startDate", "endDate",
                     "the placement ends before it starts");
}

std::optional<Fault> checkPlacementInsideEpisode(const RecordBody& placement, const Group& group) {
    std::optional<std::string_view> episodeId = text(placement, "episodeId");
    std::optional<std::string_view> start = text(placement, "startDate");
    if (!episodeId || !start) return std::nullopt;
    for (const auto& other : group) {
        std::optional<std::string_view> otherId = text(other.body, "episodeId");
        if (other.entity != "service_episode" || !otherId || *otherId != *episodeId) continue;
        std::optional<std::string_view> episodeStart = text(other.body, "startDate");
        std::optional<std::string_view> episodeEnd = text(other.body, "endDate");
        std::optional<std::string_view> end = text(placement, "endDate");
        if (episodeStart && *start < *episodeStart) {
            return Fault{"placement.outside-episode", "startDate",
                         "the placement starts " + std::string(*start) +
                             ", before its episode starts " + std::string(*episodeStart)};
        }
        if (episodeEnd && (!end || *end > *episodeEnd)) {
            return Fault{
                "placement.outside-episode", "endDate",
                "the placement goes on after its episode ends " + std::string(*episodeEnd)};
        }
    }
    return std::nullopt;
}

std::optional<Fault> checkPlanReviewDates(const RecordBody& record, const Group&) {
    if (auto fault = notBefore(record, "plan.review-dates", "drawnUpDate", "lastReviewDate",
                               "the plan was reviewed before it was drawn up")) {
        return fault;
    }
    return notBefore(record, "plan.review-dates", "drawnUpDate", "nextReviewDate",
                     "the next review is due before the plan was drawn up");
}

}  // namespace

const std::vector<Rule>& regionalRules() {
    static const std::vector<Rule> rules = {
        {"identity-code", "*",
         "the client's identity code has a valid form and century sign, a real date, an individual "
         "number "
         "from 002 and the right control character (rejections cite identity-code.format, "
         "identity-code.date or identity-code.control)",
         &checkClientIdentityCode},
        {"episode.end-before-start", "service_episode",
         "a service episode does not end before it starts", &checkEpisodeDates},
        {"placement.end-before-start", "work_placement",
         "a work placement does not end before it starts", &checkPlacementDates},
        {"placement.outside-episode", "work_placement",
         "a work placement lies inside its service episode, when the episode comes in the same "
         "source record",
         &checkPlacementInsideEpisode},
        {"plan.review-dates", "client_plan",
         "a client plan is neither reviewed nor due for review before it was drawn up",
         &checkPlanReviewDates},
    };
    return rules;
}

}  // namespace gw
