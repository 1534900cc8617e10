#include "gateway/ctl/reconcile_command.h"

#include <Poco/NumberParser.h>
#include <Poco/Util/Option.h>

#include <iostream>
#include <set>

#include "gateway/core/errors.h"
#include "gateway/mapping/mapping.h"
#include "gateway/store/store_registry.h"

namespace gw {

std::string ReconcileCommand::summary() const {
    return "Checks the store that the gatewayd configuration FILE names: for one transfer, one "
           "municipality, or (by default) every municipality of the configured sources, records "
           "read = stored + unchanged + rejected, the quarantine and the stored records match "
           "those counts, and the digest over the current records (the sum of SHA-256 over "
           "entity, source record id and content hash, which the county can compute from its "
           "feeds). Exit 0 when everything adds up, 1 when something does not.";
}

void ReconcileCommand::defineOptions(Poco::Util::OptionSet& options) {
    ConfiguredCommand::defineOptions(options);
    using Poco::Util::Option;
    options.addOption(
        Option("transfer", "t", "one transfer, by id").argument("ID").repeatable(false));
    options.addOption(Option("municipality", "m", "one municipality, by its 3-digit code")
                          .argument("CODE")
                          .repeatable(false));
    options.addOption(Option("json", "", "print JSON instead of text").repeatable(false));
}

void ReconcileCommand::handleOption(const std::string& name, const std::string& value) {
    ConfiguredCommand::handleOption(name, value);
    if (name == "transfer") transfer_ = value;
    if (name == "municipality") municipality_ = value;
    if (name == "json") json_ = true;
}

int ReconcileCommand::run(const std::vector<std::string>& arguments) {
    if (!arguments.empty()) throw ConfigError("reconcile takes no arguments");
    if (!transfer_.empty() && !municipality_.empty())
        throw ConfigError("give --transfer or --municipality, not both");
    GatewaySettings settings = loadSettings();
    auto store = builtinStores().open(settings.storeBackend, settings.storeConnection);

    std::vector<Reconciliation> results;
    if (!transfer_.empty()) {
        Poco::Int64 id = 0;
        if (!Poco::NumberParser::tryParse64(transfer_, id) || !store->findTransfer(id))
            throw ConfigError("no transfer with id '" + transfer_ + "'");
        results.push_back(store->reconcileTransfer(id));
    } else {
        std::set<std::string> municipalities;
        if (!municipality_.empty()) {
            municipalities.insert(municipality_);
        } else {
            for (const auto& source : settings.sources) {
                municipalities.insert(
                    Mapping::load(source.mapping, settings.mappingSchema).municipality());
            }
        }
        for (const auto& code : municipalities)
            results.push_back(store->reconcileMunicipality(code));
    }

    bool allAddUp = true;
    for (const auto& r : results) {
        allAddUp &= r.addsUp;
        if (json_) {
            std::cout << r.toJson().dump() << "\n";
            continue;
        }
        std::cout << r.scope << ": " << (r.addsUp ? "adds up" : "DOES NOT ADD UP") << "\n"
                  << "  read " << r.counts.read << " = stored " << r.counts.stored
                  << " + unchanged " << r.counts.unchanged << " + rejected " << r.counts.rejected
                  << "; quarantined " << r.quarantined << "; current records " << r.currentRecords
                  << "\n"
                  << "  digest " << r.digest << "\n";
        for (const auto& problem : r.problems) std::cout << "  problem: " << problem << "\n";
    }
    std::cout.flush();
    return allAddUp ? kOk : kRejected;
}

}  // namespace gw
