#pragma once

#include <memory>
#include <string>

#include "gateway/ctl/command.h"
#include "gateway/ctl/command_input.h"
#include "gateway/mapping/mapping.h"
#include "gateway/pipeline/client_identity.h"
#include "gateway/pipeline/pipeline.h"
#include "gateway/validation/record_validator.h"

namespace gw {

/// What `gatewayctl map` and `check` share: the options that name a mapping, its schemas and the
/// identity-code policy, and the pipeline made of them that runs one input offline.
class MappingCommand : public Command {
  public:
    void defineOptions(Poco::Util::OptionSet& options) override;
    void handleOption(const std::string& name, const std::string& value) override;

  protected:
    /// A loaded mapping with its validator and pipeline, ready to run.
    struct Offline {
        Offline(const std::string& mappingFile, const std::string& schemas,
                bool linkTemporaryCodes);

        std::string schemas;  ///< the schemas folder (mapping.schema.json, v1/)
        Mapping mapping;
        RecordValidator validator;
        /// Offline, without the store's key: ids and hashes link records of this run only.
        RegionalKeys keys;
        ClientIdentity clients;
        Pipeline pipeline;
    };

    /// Loads the mapping named by --mapping; throws ConfigError.
    std::unique_ptr<Offline> prepare() const;

  private:
    std::string mappingFile_;
    std::string schemaDirectory_;
    bool linkTemporaryCodes_ = false;
};

}  // namespace gw
