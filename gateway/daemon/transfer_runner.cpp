#include "gateway/daemon/transfer_runner.h"

#include <Poco/Logger.h>
#include <Poco/Path.h>

#include <fstream>

#include "gateway/pipeline/pipeline.h"

namespace gw {

TransferRunner::TransferRunner(const GatewaySettings& settings, Store& store)
    : settings_(settings),
      store_(store),
      validator_(settings.schemaDirectory),
      clients_(settings.linkTemporaryIdentityCodes) {
    for (const auto& source : settings.sources) {
        Mapping mapping = Mapping::load(source.mapping, settings.mappingSchema);
        // Throws ConfigError for bad input options and unknown entities.
        Pipeline check(mapping, validator_, clients_);
        mappings_.emplace(source.name, std::move(mapping));
    }
}

TransferInfo TransferRunner::run(const SourceSettings& source, const std::atomic<bool>* stop) {
    auto& log = Poco::Logger::get("gateway.transfer");
    const Mapping& mapping = mappings_.at(source.name);
    std::string inputName = Poco::Path(source.path).getFileName();
    std::int64_t id = store_.beginTransfer(source.name, mapping.municipality(), inputName, "local");
    log.information("transfer " + std::to_string(id) + " of source '" + source.name +
                    "' started: " + source.path);

    TransferResult result;
    try {
        std::ifstream input(source.path, std::ios::binary);
        if (!input) {
            result.error = "cannot open " + source.path;
        } else {
            auto sink = store_.openSink(id);
            result = Pipeline(mapping, validator_, clients_).run(input, inputName, id, *sink, stop);
        }
    } catch (const std::exception& e) {
        // The sink rolled back its open batch; the counts no longer describe what is stored.
        result.error = std::string("transfer failed: ") + e.what();
    }
    store_.finishTransfer(id, result);

    auto info = *store_.findTransfer(id);
    std::string summary = "transfer " + std::to_string(id) + " of source '" + source.name + "' " +
                          info.state + ": " + info.counts.toJson().dump();
    if (result.error) {
        log.error(summary + ": " + *result.error);
    } else {
        log.information(summary);
    }
    return info;
}

}  // namespace gw
