#include "gateway/reports/services_report.h"

#include <Poco/Format.h>

#include <algorithm>
#include <map>

#include "gateway/core/calendar.h"
#include "gateway/validation/code_set.h"

namespace gw {
namespace {

/// Tallies for one municipality and service type.
struct Tally {
    long episodes = 0;
    long active = 0;
    std::vector<long> lengths;  // days, up to the end or the reference date
    long goalsKnown = 0, goalsSet = 0;
    long endedKnown = 0, feedbackWritten = 0;
    long plansOverdue = 0;
    std::map<std::string, long> referralSources;
    std::map<std::string, long> producerTypes;
};

// A plan is due for review on its next review date, or one interval after its last review (or,
// never reviewed, after it was drawn up).
std::string reviewDue(const nlohmann::json& plan) {
    std::string next = textAt(plan, "nextReviewDate");
    if (!next.empty()) return next;
    auto interval = plan.find("reviewIntervalMonths");
    if (interval == plan.end() || !interval->is_number_integer()) return "";
    std::string from = textAt(plan, "lastReviewDate");
    if (from.empty()) from = textAt(plan, "drawnUpDate");
    return addMonths(from, interval->get<int>()).value_or("");
}

std::string percent(const nlohmann::json& value) {
    return value.is_null() ? "-" : Poco::format("%.0f %%", value.get<double>() * 100);
}

}  // namespace

nlohmann::json ServicesReport::compute(Store& store, const ReportContext& context) const {
    const long today = dayNumber(context.asOf).value();
    std::map<std::pair<std::string, std::string>, Tally> tallies;

    store.scanCurrent("service_episode", [&](const nlohmann::json& episode) {
        Tally& t =
            tallies[{textAt(episode, "organiserMunicipality"), textAt(episode, "serviceType")}];
        ++t.episodes;
        long start = dayNumber(textAt(episode, "startDate")).value_or(today);
        std::optional<long> end = dayNumber(textAt(episode, "endDate"));
        if (start <= today && (!end || *end >= today)) ++t.active;
        if (start <= today) t.lengths.push_back(std::min(end.value_or(today), today) - start);
        if (episode.contains("goalsSet")) {
            ++t.goalsKnown;
            t.goalsSet += episode["goalsSet"].get<bool>() ? 1 : 0;
        }
        if (end && *end <= today && episode.contains("feedbackWritten")) {
            ++t.endedKnown;
            t.feedbackWritten += episode["feedbackWritten"].get<bool>() ? 1 : 0;
        }
        std::string referral = textAt(episode, "referralSource");
        if (!referral.empty()) ++t.referralSources[referral];
        if (episode.contains("producer")) ++t.producerTypes[textAt(episode["producer"], "type")];
    });
    store.scanCurrent("client_plan", [&](const nlohmann::json& plan) {
        std::optional<long> due = dayNumber(reviewDue(plan));
        if (due && *due < today) {
            ++tallies[{textAt(plan, "organiserMunicipality"), textAt(plan, "serviceType")}]
                  .plansOverdue;
        }
    });

    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [key, t] : tallies) {
        rows.push_back({{"municipality", key.first},
                        {"serviceType", key.second},
                        {"episodes", t.episodes},
                        {"activeEpisodes", t.active},
                        {"medianEpisodeDays", median(t.lengths)},
                        {"goalsSetShare", share(t.goalsSet, t.goalsKnown)},
                        {"feedbackWrittenShare", share(t.feedbackWritten, t.endedKnown)},
                        {"plansOverdueForReview", t.plansOverdue},
                        {"referralSources", t.referralSources},
                        {"producerTypes", t.producerTypes}});
    }
    return rows;
}

void ServicesReport::print(const nlohmann::json& rows, const ReportContext& context,
                           std::ostream& out) const {
    CodeSet municipalities = CodeSet::load(context.codeDirectory, "municipality");
    CodeSet services = CodeSet::load(context.codeDirectory, "service-type");
    CodeSet referrals = CodeSet::load(context.codeDirectory, "referral-source");
    out << "as of " << context.asOf << "\n";
    std::vector<std::vector<std::string>> table{{"kunta", "palvelu", "jaksot", "aktiiviset",
                                                 "mediaani (pv)", "tavoitteet", "palaute",
                                                 "tarkistus myöhässä", "yleisin ohjaava taho"}};
    for (const auto& row : rows) {
        std::string municipality = row["municipality"].get<std::string>();
        std::string topReferral = "-";
        long top = 0;
        for (const auto& [source, count] : row["referralSources"].items()) {
            if (count.get<long>() > top) {
                top = count.get<long>();
                topReferral = referrals.finnish(source);
            }
        }
        const auto& days = row["medianEpisodeDays"];
        table.push_back({municipality + " " + municipalities.finnish(municipality),
                         services.finnish(row["serviceType"].get<std::string>()),
                         std::to_string(row["episodes"].get<long>()),
                         std::to_string(row["activeEpisodes"].get<long>()),
                         days.is_null() ? "-" : Poco::format("%.0f", days.get<double>()),
                         percent(row["goalsSetShare"]), percent(row["feedbackWrittenShare"]),
                         std::to_string(row["plansOverdueForReview"].get<long>()), topReferral});
    }
    printColumns(table, out);
}

}  // namespace gw
