#include "gateway/reports/outcomes_report.h"

#include <Poco/Format.h>

#include <map>
#include <set>

#include "gateway/core/calendar.h"
#include "gateway/validation/code_set.h"

namespace gw {
namespace {

/// The bands an episode's length falls into, in days: under 6 months, 6 to 12 months, 1 to 2
/// years, 2 to 5 years, over 5 years.
const char* lengthBand(long days) {
    if (days < 183) return "under6Months";
    if (days < 365) return "6to12Months";
    if (days < 2 * 365) return "1to2Years";
    if (days < 5 * 365) return "2to5Years";
    return "over5Years";
}

/// The band of a plan's agreed review interval.
const char* reviewBand(const nlohmann::json& plan) {
    auto interval = plan.find("reviewIntervalMonths");
    if (interval == plan.end() || !interval->is_number_integer()) return "notAgreed";
    int months = interval->get<int>();
    if (months <= 3) return "upTo3Months";
    if (months <= 6) return "4to6Months";
    if (months <= 12) return "7to12Months";
    return "over12Months";
}

struct Episode {
    std::string municipality, serviceType, clientId;
    long start = 0;
    bool intoWork = false;
    std::optional<long> firstPaidWork;
};

/// Every review band, each at 0.
std::map<std::string, long> noReviews() {
    return {{"upTo3Months", 0},
            {"4to6Months", 0},
            {"7to12Months", 0},
            {"over12Months", 0},
            {"notAgreed", 0}};
}

struct Tally {
    std::set<std::string> clients, clientsIntoWork;
    std::vector<long> daysToPaidWork;
    std::map<std::string, long> lengths{{"under6Months", 0},
                                        {"6to12Months", 0},
                                        {"1to2Years", 0},
                                        {"2to5Years", 0},
                                        {"over5Years", 0}};
    std::map<std::string, long> reviewIntervals = noReviews();
    /// The same by the type of the producer of the client's episode of the service: the plan is
    /// reviewed by the organiser and by that producer.
    std::map<std::string, std::map<std::string, long>> reviewIntervalsByProducer;
};

}  // namespace

nlohmann::json OutcomesReport::compute(Store& store, const ReportContext& context) const {
    const long today = dayNumber(context.asOf).value();
    // Episodes that began by the reference date, by id; placements and feedback find theirs.
    std::map<std::string, Episode> episodes;
    std::map<std::pair<std::string, std::string>, Tally> tallies;
    // (client, service) -> the producer type of the client's latest episode of the service
    std::map<std::pair<std::string, std::string>, std::pair<long, std::string>> producers;
    store.scanCurrent("service_episode", [&](const nlohmann::json& record) {
        std::optional<long> start = dayNumber(textAt(record, "startDate"));
        if (!start || *start > today) return;
        Episode episode{textAt(record, "organiserMunicipality"),
                        textAt(record, "serviceType"),
                        textAt(record.value("client", nlohmann::json::object()), "clientId"),
                        *start,
                        false,
                        std::nullopt};
        long end = std::min(dayNumber(textAt(record, "endDate")).value_or(today), today);
        Tally& tally = tallies[{episode.municipality, episode.serviceType}];
        tally.clients.insert(episode.clientId);
        ++tally.lengths[lengthBand(end - *start)];
        auto& producer = producers[{episode.clientId, episode.serviceType}];
        if (producer.second.empty() || *start >= producer.first)
            producer = {*start, textAt(record.value("producer", nlohmann::json::object()), "type")};
        episodes[textAt(record, "episodeId")] = std::move(episode);
    });
    store.scanCurrent("work_placement", [&](const nlohmann::json& placement) {
        auto episode = episodes.find(textAt(placement, "episodeId"));
        std::optional<long> start = dayNumber(textAt(placement, "startDate"));
        if (episode == episodes.end() || !start || *start > today) return;
        std::string type = textAt(placement, "placementType");
        if (type == "paid_work" || type == "work_trial") episode->second.intoWork = true;
        if (type == "paid_work" && *start >= episode->second.start &&
            (!episode->second.firstPaidWork || *start < *episode->second.firstPaidWork))
            episode->second.firstPaidWork = *start;
    });
    store.scanCurrent("feedback", [&](const nlohmann::json& feedback) {
        auto episode = episodes.find(textAt(feedback, "episodeId"));
        std::optional<long> date = dayNumber(textAt(feedback, "date"));
        if (episode != episodes.end() && date && *date <= today &&
            textAt(feedback, "followUp") == "employment")
            episode->second.intoWork = true;
    });
    for (const auto& [id, episode] : episodes) {
        Tally& tally = tallies[{episode.municipality, episode.serviceType}];
        if (episode.intoWork) tally.clientsIntoWork.insert(episode.clientId);
        if (episode.firstPaidWork)
            tally.daysToPaidWork.push_back(*episode.firstPaidWork - episode.start);
    }
    store.scanCurrent("client_plan", [&](const nlohmann::json& plan) {
        auto drawnUp = dayNumber(textAt(plan, "drawnUpDate"));
        if (drawnUp && *drawnUp > today) return;
        std::string service = textAt(plan, "serviceType");
        Tally& tally = tallies[{textAt(plan, "organiserMunicipality"), service}];
        ++tally.reviewIntervals[reviewBand(plan)];
        auto producer = producers.find(
            {textAt(plan.value("client", nlohmann::json::object()), "clientId"), service});
        std::string type = producer == producers.end() || producer->second.second.empty()
                               ? "unknown"
                               : producer->second.second;
        auto& byProducer = tally.reviewIntervalsByProducer[type];
        if (byProducer.empty()) byProducer = noReviews();
        ++byProducer[reviewBand(plan)];
    });

    nlohmann::json rows = nlohmann::json::array();
    for (const auto& [key, tally] : tallies) {
        long clients = static_cast<long>(tally.clients.size());
        long intoWork = static_cast<long>(tally.clientsIntoWork.size());
        rows.push_back({{"municipality", key.first},
                        {"serviceType", key.second},
                        {"clients", clients},
                        {"clientsIntoWork", intoWork},
                        {"intoWorkShare", share(intoWork, clients)},
                        {"medianDaysToPaidWork", median(tally.daysToPaidWork)},
                        {"episodeLengths", tally.lengths},
                        {"reviewIntervals", tally.reviewIntervals},
                        {"reviewIntervalsByProducer", tally.reviewIntervalsByProducer}});
    }
    return rows;
}

void OutcomesReport::print(const nlohmann::json& rows, const ReportContext& context,
                           std::ostream& out) const {
    CodeSet municipalities = CodeSet::load(context.codeDirectory, "municipality");
    CodeSet services = CodeSet::load(context.codeDirectory, "service-type");
    out << "as of " << context.asOf << "\n";
    std::vector<std::vector<std::string>> table{{"kunta", "palvelu", "asiakkaat",
                                                 "työhön tai työkokeiluun", "osuus",
                                                 "mediaani palkkatyöhön (pv)"}};
    for (const auto& row : rows) {
        std::string municipality = row["municipality"].get<std::string>();
        const auto& share = row["intoWorkShare"];
        const auto& days = row["medianDaysToPaidWork"];
        table.push_back({municipality + " " + municipalities.finnish(municipality),
                         services.finnish(row["serviceType"].get<std::string>()),
                         std::to_string(row["clients"].get<long>()),
                         std::to_string(row["clientsIntoWork"].get<long>()),
                         share.is_null() ? "-" : Poco::format("%.0f %%", share.get<double>() * 100),
                         days.is_null() ? "-" : Poco::format("%.0f", days.get<double>())});
    }
    printColumns(table, out);
}

}  // namespace gw
