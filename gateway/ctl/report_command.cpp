#include "gateway/ctl/report_command.h"

#include <Poco/Util/Option.h>

#include <iostream>

#include "gateway/core/calendar.h"
#include "gateway/core/errors.h"
#include "gateway/reports/report.h"
#include "gateway/store/store_registry.h"

namespace gw {

std::string ReportCommand::summary() const {
    std::string text =
        "Computes a report from the store that the gatewayd configuration FILE names:";
    for (const auto& report : allReports())
        text += " " + report->name() + " (" + report->description() + ");";
    return text + " a table, or one JSON object per row with --json.";
}

void ReportCommand::defineOptions(Poco::Util::OptionSet& options) {
    ConfiguredCommand::defineOptions(options);
    using Poco::Util::Option;
    options.addOption(
        Option("as-of", "",
               "the reference date for active episodes and overdue reviews (default: today)")
            .argument("DATE")
            .repeatable(false));
    options.addOption(Option("json", "", "print JSON instead of a table").repeatable(false));
}

void ReportCommand::handleOption(const std::string& name, const std::string& value) {
    ConfiguredCommand::handleOption(name, value);
    if (name == "as-of") asOf_ = value;
    if (name == "json") json_ = true;
}

int ReportCommand::run(const std::vector<std::string>& arguments) {
    if (arguments.size() != 1) throw ConfigError("report takes one report name");
    const Report* report = nullptr;
    for (const auto& candidate : allReports()) {
        if (candidate->name() == arguments.front()) report = candidate.get();
    }
    if (!report) throw ConfigError("no report named '" + arguments.front() + "'");
    ReportContext context{"", asOf_.empty() ? todayIso() : asOf_};
    if (!dayNumber(context.asOf)) throw ConfigError("--as-of takes a date as yyyy-mm-dd");

    GatewaySettings settings = loadSettings();
    context.codeDirectory = settings.schemaDirectory + "/codes";
    auto store = builtinStores().open(settings.storeBackend, settings.storeConnection);

    nlohmann::json rows = report->compute(*store, context);
    if (json_) {
        std::cout << rows.dump(2) << std::endl;
    } else {
        report->print(rows, context, std::cout);
    }
    return kOk;
}

}  // namespace gw
