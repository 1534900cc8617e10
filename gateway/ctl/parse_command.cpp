#include "gateway/ctl/parse_command.h"

#include <Poco/Util/Option.h>

#include <iostream>

#include "adapters/adapter.h"
#include "gateway/core/errors.h"
#include "gateway/ctl/command_input.h"

namespace gw {
namespace {

std::pair<std::string, std::string> splitAssignment(const std::string& value,
                                                    const std::string& option) {
    std::size_t equals = value.find('=');
    if (equals == std::string::npos || equals == 0) {
        throw ConfigError("--" + option + " takes NAME=VALUE, not '" + value + "'");
    }
    return {value.substr(0, equals), value.substr(equals + 1)};
}

long long positiveNumber(const std::string& value, const std::string& option) {
    try {
        std::size_t used = 0;
        long long number = std::stoll(value, &used);
        if (used == value.size() && number > 0) return number;
    } catch (const std::exception&) {
    }
    throw ConfigError("--" + option + " takes a positive whole number");
}

}  // namespace

void ParseCommand::defineOptions(Poco::Util::OptionSet& options) {
    using Poco::Util::Option;
    options.addOption(Option("format", "f", "csv, xml or json")
                          .argument("FORMAT")
                          .required(true)
                          .repeatable(false));
    options.addOption(
        Option("delimiter", "", "CSV field delimiter (default ;)").argument("C").repeatable(false));
    options.addOption(
        Option("quote", "", "CSV quote character (default \")").argument("C").repeatable(false));
    options.addOption(Option("encoding", "", "utf-8, iso-8859-1 or windows-1252")
                          .argument("E")
                          .repeatable(false));
    options.addOption(Option("records", "", "XML element path or JSON Pointer of the records")
                          .argument("PATH")
                          .repeatable(false));
    options.addOption(
        Option("namespace", "", "XML namespace prefix").argument("P=URI").repeatable(true));
    options.addOption(Option("field", "", "XML field and its XPath relative to the record")
                          .argument("NAME=XPATH")
                          .repeatable(true));
    options.addOption(Option("lines", "", "JSON: one record per line (NDJSON)").repeatable(false));
    options.addOption(
        Option("nested", "", "XML: every leaf below the record by its path (/jakso/0/alku)")
            .repeatable(false));
    options.addOption(Option("max-record-bytes", "", "the largest record accepted")
                          .argument("N")
                          .repeatable(false));
    options.addOption(Option("max-depth", "", "XML/JSON: the deepest nesting accepted")
                          .argument("N")
                          .repeatable(false));
}

void ParseCommand::handleOption(const std::string& name, const std::string& value) {
    if (name == "format") {
        format_ = value;
    } else if (name == "delimiter" || name == "quote" || name == "encoding" || name == "records") {
        options_[name] = value;
    } else if (name == "namespace" || name == "field") {
        auto [key, text] = splitAssignment(value, name);
        options_[name == "namespace" ? "namespaces" : "fields"][key] = text;
    } else if (name == "lines" || name == "nested") {
        options_[name] = true;
    } else if (name == "max-record-bytes") {
        options_["maxRecordBytes"] = positiveNumber(value, name);
    } else if (name == "max-depth") {
        options_["maxDepth"] = positiveNumber(value, name);
    }
}

int ParseCommand::run(const std::vector<std::string>& arguments) {
    if (arguments.size() != 1)
        throw ConfigError("parse takes exactly one INPUT (a file, or - for stdin)");
    CommandInput input(arguments.front());
    const std::string& inputName = input.name();
    auto adapter = builtinAdapters().create(format_, input.stream(), inputName, options_);

    std::uint64_t read = 0, malformed = 0;
    int status = kOk;
    try {
        adapter->read([&](SourceRecord& record) {
            ++read;
            if (record.error) {
                ++malformed;
                std::cerr << record.position.toJson().dump() << " " << record.error->rule << ": "
                          << record.error->message << "\n";
            } else {
                std::cout << nlohmann::json{{"position", record.position.toJson()},
                                            {"fields", record.fieldsJson()}}
                                 .dump()
                          << "\n";
            }
            return true;
        });
    } catch (const InputError& e) {
        std::cerr << "stopped: " << e.what() << "\n";
        status = kRejected;
    }
    std::cout.flush();
    std::cerr << inputName << ": " << read << " records, " << malformed << " malformed"
              << std::endl;
    return malformed == 0 ? status : kRejected;
}

}  // namespace gw
