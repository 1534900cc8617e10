#include "gateway/ctl/mapping_command.h"

#include <Poco/Util/Option.h>

#include "gateway/core/errors.h"
#include "gateway/settings/gateway_settings.h"

namespace gw {

void MappingCommand::defineOptions(Poco::Util::OptionSet& options) {
    using Poco::Util::Option;
    options.addOption(Option("mapping", "m", "the mapping file")
                          .argument("FILE")
                          .required(true)
                          .repeatable(false));
    options.addOption(Option("schemas", "s", "the schemas folder (default: the bundled schemas/)")
                          .argument("DIR")
                          .repeatable(false));
    options.addOption(
        Option(
            "link-temporary-codes", "",
            "link temporary and test identity codes (900-999) across sources, as the bundled demo "
            "does; never for production data")
            .repeatable(false));
}

void MappingCommand::handleOption(const std::string& name, const std::string& value) {
    if (name == "mapping") mappingFile_ = value;
    if (name == "schemas") schemaDirectory_ = value;
    if (name == "link-temporary-codes") linkTemporaryCodes_ = true;
}

MappingCommand::Offline::Offline(const std::string& mappingFile, const std::string& schemaFolder,
                                 bool linkTemporaryCodes)
    : schemas(schemaFolder),
      mapping(Mapping::load(mappingFile, schemas + "/mapping.schema.json")),
      validator(schemas + "/v1"),
      keys(RegionalKeys::throwaway()),
      clients(linkTemporaryCodes, keys),
      pipeline(mapping, validator, clients) {}

std::unique_ptr<MappingCommand::Offline> MappingCommand::prepare() const {
    std::string schemas =
        schemaDirectory_.empty() ? defaultDataDirectory() + "/schemas" : schemaDirectory_;
    return std::make_unique<Offline>(mappingFile_, schemas, linkTemporaryCodes_);
}

}  // namespace gw
