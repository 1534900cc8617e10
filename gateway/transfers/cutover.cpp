#include "gateway/transfers/cutover.h"

#include <Poco/Base64Encoder.h>
#include <Poco/Logger.h>

#include <sstream>

#include "gateway/core/calendar.h"

namespace gw {
namespace {

std::string base64(const std::string& bytes) {
    std::ostringstream text;
    Poco::Base64Encoder encoder(text);
    encoder.rdbuf()->setLineLength(0);
    encoder << bytes;
    encoder.close();
    return text.str();
}

}  // namespace

std::optional<std::string> frozenReason(TransferLog& log, const std::string& municipality) {
    auto freezes = log.freezesOf(municipality);
    if (freezes.empty() || !freezes.front().holds()) return std::nullopt;
    const Freeze& freeze = freezes.front();
    return "municipality " + municipality + " was frozen for its cut-over at " + freeze.frozenAt +
           " by " + freeze.frozenBy + "; unfreeze it first";
}

std::variant<Freeze, std::string> Cutover::freeze(const std::string& municipality,
                                                  const std::string& by) {
    std::int64_t last = store_.lastTransferOf(municipality);
    Reconciliation held = store_.reconcileMunicipality(municipality);
    nlohmann::json transfers = nlohmann::json::array();
    for (const auto& transfer : store_.transfersOfMunicipality(municipality)) {
        if (transfer.id > last) continue;  // began after this certificate was started
        transfers.push_back({{"id", transfer.id},
                             {"source", transfer.source},
                             {"state", transfer.state},
                             {"finishedAt", transfer.finishedAt},
                             {"digest", transfer.digest}});
    }
    Freeze freeze;
    freeze.municipality = municipality;
    freeze.frozenAt = utcNow();
    freeze.frozenBy = by;
    nlohmann::json entities = nlohmann::json::object();
    for (const auto& [entity, records] : held.entities)
        entities[entity] = {{"currentRecords", records.currentRecords}, {"digest", records.digest}};
    nlohmann::json certificate{{"certificate", "cut-over"},
                               {"municipality", municipality},
                               {"frozenAt", freeze.frozenAt},
                               {"frozenBy", by},
                               {"instance", instance_},
                               {"entities", entities},
                               {"currentRecords", held.currentRecords},
                               {"digest", held.digest},
                               {"addsUp", held.addsUp},
                               {"problems", held.problems},
                               {"transfers", transfers}};
    freeze.certificate = certificate.dump(2) + "\n";
    freeze.signature = base64(key_.sign(freeze.certificate));
    auto recorded = store_.freezeMunicipality(freeze, last);
    if (auto* refusal = std::get_if<std::string>(&recorded)) return *refusal;
    freeze.id = std::get<std::int64_t>(recorded);
    Poco::Logger::get("gateway.cutover")
        .warning("municipality " + municipality + " frozen for its cut-over by " + by +
                 ": its schedules, pushes and runs are refused until it is unfrozen");
    return freeze;
}

bool Cutover::unfreeze(const std::string& municipality, const std::string& by) {
    if (!store_.unfreezeMunicipality(municipality, by)) return false;
    Poco::Logger::get("gateway.cutover")
        .warning("municipality " + municipality + " unfrozen by " + by +
                 "; its cut-over certificate is no longer valid");
    return true;
}

}  // namespace gw
