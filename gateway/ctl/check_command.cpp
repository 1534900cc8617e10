#include "gateway/ctl/check_command.h"

#include <Poco/Util/Option.h>

#include <iostream>

#include "gateway/core/errors.h"
#include "gateway/reports/check_report.h"

namespace gw {
namespace {

/// An example position of the report ({"input", "line", "record"}) as the text report says it.
std::string describe(const nlohmann::json& position) {
    return position.contains("line") ? "line " + position["line"].dump()
                                     : "record " + position["record"].dump();
}

}  // namespace

void CheckCommand::defineOptions(Poco::Util::OptionSet& options) {
    MappingCommand::defineOptions(options);
    options.addOption(Poco::Util::Option("json", "", "print the report as JSON").repeatable(false));
}

void CheckCommand::handleOption(const std::string& name, const std::string& value) {
    MappingCommand::handleOption(name, value);
    if (name == "json") json_ = true;
}

int CheckCommand::run(const std::vector<std::string>& arguments) {
    if (arguments.size() != 1)
        throw ConfigError("check takes exactly one INPUT (a file, or - for stdin)");
    auto offline = prepare();
    CommandInput input(arguments.front());
    nlohmann::json report = checkExport(offline->pipeline, offline->mapping, input.stream(),
                                        input.name(), offline->schemas + "/v1");
    if (json_) {
        std::cout << report.dump(2) << std::endl;
    } else {
        std::cout << report["input"].get<std::string>() << " with mapping "
                  << report["mapping"].get<std::string>() << " "
                  << report["mappingVersion"].get<std::string>() << "\n"
                  << "  read " << report["read"] << ", would pass " << report["wouldPass"]
                  << ", rejected " << report["rejected"] << "\n";
        if (report.contains("stopped"))
            std::cout << "  stopped: " << report["stopped"].get<std::string>() << "\n";
        std::cout << "\nrejects by rule and field:\n";
        if (report["rejects"].empty()) std::cout << "  (none)\n";
        for (const auto& group : report["rejects"]) {
            std::string field = group["field"];
            std::cout << "  " << group["rule"].get<std::string>() << "  "
                      << (field.empty() ? "(record)" : field) << "  " << group["count"] << "  e.g.";
            for (const auto& position : group["examples"]) std::cout << " " << describe(position);
            std::cout << "\n";
        }
        std::cout << "\nunmapped codes:\n";
        if (report["unmappedCodes"].empty()) std::cout << "  (none)\n";
        for (const auto& [table, codes] : report["unmappedCodes"].items()) {
            std::cout << "  " << table << ":";
            for (const auto& code : codes) {
                std::cout << " '" << code["code"].get<std::string>() << "' (" << code["count"]
                          << ")";
            }
            std::cout << "\n";
        }
        if (!report["arrays"].empty()) {
            std::cout << "\narrays (elements in all, most in one record, what is read):\n";
            for (const auto& array : report["arrays"]) {
                std::cout << "  " << array["path"].get<std::string>() << "  " << array["elements"]
                          << "  " << array["mostInOneRecord"] << "  "
                          << array["read"].get<std::string>() << "\n";
            }
        }
        for (const auto& warning : report["warnings"])
            std::cout << "\nwarning: " << warning.get<std::string>() << "\n";
        std::cout << "\nsource fields never used:";
        if (report["sourceFieldsNeverUsed"].empty()) std::cout << " (none)";
        for (const auto& field : report["sourceFieldsNeverUsed"])
            std::cout << " " << field.get<std::string>();
        std::cout << "\n\nregional fields never filled:\n";
        for (const auto& [entity, paths] : report["regionalFieldsNeverFilled"].items()) {
            std::cout << "  " << entity << ":";
            if (paths.empty()) std::cout << " (none)";
            for (const auto& path : paths) std::cout << " " << path.get<std::string>();
            std::cout << "\n";
        }
    }
    return report["rejected"] == 0 && !report.contains("stopped") ? kOk : kRejected;
}

}  // namespace gw
