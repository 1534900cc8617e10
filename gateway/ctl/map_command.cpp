#include "gateway/ctl/map_command.h"

#include <Poco/Path.h>
#include <Poco/Util/Option.h>

#include <fstream>
#include <iostream>

#include "gateway/core/errors.h"
#include "gateway/daemon/gateway_settings.h"
#include "gateway/pipeline/pipeline.h"

namespace gw {
namespace {

/// Writes regional records to one stream and rejections to another, both as NDJSON.
class NdjsonSink : public RecordSink {
  public:
    NdjsonSink(std::ostream& records, std::ostream* rejects)
        : records_(records), rejects_(rejects) {}

    Outcome write(const std::vector<RegionalRecord>& records) override {
        for (const auto& record : records) records_ << record.body.dump() << '\n';
        return Outcome::Stored;
    }

    // The source fields stay out: a rejects file goes back to the municipality by e-mail.
    void quarantine(const Rejection& rejection, const SourceRecord&) override {
        if (rejects_) *rejects_ << rejection.toJson().dump() << '\n';
    }

    void commit() override {
        records_.flush();
        if (rejects_) rejects_->flush();
    }

  private:
    std::ostream& records_;
    std::ostream* rejects_;
};

}  // namespace

void MapCommand::defineOptions(Poco::Util::OptionSet& options) {
    using Poco::Util::Option;
    options.addOption(Option("mapping", "m", "the mapping file")
                          .argument("FILE")
                          .required(true)
                          .repeatable(false));
    options.addOption(
        Option("rejects", "r", "write rejected records' positions and reasons here as NDJSON")
            .argument("FILE")
            .repeatable(false));
    options.addOption(
        Option("link-temporary-codes", "",
               "link temporary and test identity codes (900-999) across sources, as the "
               "bundled demo does; never for production data")
            .repeatable(false));
    options.addOption(Option("schemas", "s", "the schemas folder (default: the bundled schemas/)")
                          .argument("DIR")
                          .repeatable(false));
}

void MapCommand::handleOption(const std::string& name, const std::string& value) {
    if (name == "mapping") mappingFile_ = value;
    if (name == "rejects") rejectsFile_ = value;
    if (name == "schemas") schemaDirectory_ = value;
    if (name == "link-temporary-codes") linkTemporaryCodes_ = true;
}

int MapCommand::run(const std::vector<std::string>& arguments) {
    if (arguments.size() != 1)
        throw ConfigError("map takes exactly one INPUT (a file, or - for stdin)");
    std::string schemas =
        schemaDirectory_.empty() ? defaultDataDirectory() + "/schemas" : schemaDirectory_;
    Mapping mapping = Mapping::load(mappingFile_, schemas + "/mapping.schema.json");
    RecordValidator validator(schemas + "/v1");
    ClientIdentity clients(linkTemporaryCodes_);
    Pipeline pipeline(mapping, validator, clients);

    const std::string& input = arguments.front();
    std::ifstream file;
    if (input != "-") {
        file.open(input, std::ios::binary);
        if (!file) throw ConfigError("cannot open " + input);
    }
    std::ofstream rejects;
    if (!rejectsFile_.empty()) {
        rejects.open(rejectsFile_);
        if (!rejects) throw ConfigError("cannot write " + rejectsFile_);
    }
    NdjsonSink sink(std::cout, rejectsFile_.empty() ? nullptr : &rejects);
    std::string inputName = input == "-" ? "stdin" : Poco::Path(input).getFileName();
    TransferResult result = pipeline.run(input == "-" ? std::cin : file, inputName, 0, sink);

    std::cerr << inputName << ": read " << result.counts.read << ", mapped " << result.counts.stored
              << ", rejected " << result.counts.rejected;
    if (result.error) std::cerr << ", stopped: " << *result.error;
    std::cerr << std::endl;
    return result.counts.rejected == 0 && !result.error ? kOk : kRejected;
}

}  // namespace gw
