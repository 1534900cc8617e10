#include "gateway/pipeline/pipeline.h"

#include <Poco/DigestEngine.h>
#include <Poco/Logger.h>
#include <Poco/SHA2Engine.h>

#include <sstream>

#include "adapters/adapter.h"
#include "gateway/core/errors.h"

namespace gw {
namespace {

std::string contentHash(const nlohmann::json& body) {
    Poco::SHA2Engine sha256(Poco::SHA2Engine::SHA_256);
    sha256.update(body.dump());
    return Poco::DigestEngine::digestToHex(sha256.digest());
}

}  // namespace

nlohmann::json TransferCounts::toJson() const {
    return {{"read", read}, {"stored", stored}, {"unchanged", unchanged}, {"rejected", rejected}};
}

Pipeline::Pipeline(const Mapping& mapping, const RecordValidator& validator,
                   const ClientIdentity& clients)
    : mapping_(mapping), validator_(validator), clients_(clients) {
    // An adapter over nothing: its format and options are checked now, before any input.
    std::istringstream nothing;
    try {
        builtinAdapters().create(mapping.format(), nothing, mapping.file(), mapping.inputOptions());
    } catch (const ConfigError& e) {
        throw ConfigError(mapping.file() + ": input: " + e.what());
    }
    for (const auto& entity : mapping.entityNames()) {
        if (!validator.knows(entity)) {
            throw ConfigError(mapping.file() + ": no regional schema for entity '" + entity + "'");
        }
    }
}

TransferResult Pipeline::run(std::istream& input, const std::string& inputName,
                             std::int64_t transferId, RecordSink& sink,
                             const std::atomic<bool>* stop) const {
    auto& log = Poco::Logger::get("gateway.pipeline");
    TransferResult result;
    auto adapter =
        builtinAdapters().create(mapping_.format(), input, inputName, mapping_.inputOptions());
    auto reject = [&](Stage stage, Fault fault, const SourceRecord& source) {
        Rejection rejection = Rejection::from(stage, std::move(fault), source.position);
        if (log.debug()) {
            log.debug(inputName + " record " + std::to_string(source.position.record) +
                      " quarantined by " + rejection.rule + ": " + rejection.message);
        }
        sink.quarantine(rejection, source);
    };

    std::uint64_t read = 0;
    try {
        adapter->read([&](SourceRecord& source) {
            ++read;
            process(source, transferId, sink, reject);
            if (stop && stop->load()) {
                result.interrupted = true;
                return false;
            }
            return true;
        });
    } catch (const InputError& e) {
        result.error = e.what();
    }
    result.counts = sink.commit();
    result.counts.read = read;
    return result;
}

void Pipeline::process(const SourceRecord& source, std::int64_t transferId, RecordSink& sink,
                       const std::function<void(Stage, Fault, const SourceRecord&)>& reject) const {
    if (source.error) {
        reject(Stage::Read, Fault{source.error->rule, "", source.error->message}, source);
        return;
    }
    MappingResult mapped = mapping_.apply(source);
    sink.mapped(source, mapped.notes);
    if (mapped.fault) {
        reject(Stage::Map, std::move(*mapped.fault), source);
        return;
    }
    // Enriched first: what is validated is the record exactly as it will be stored.
    for (auto& record : mapped.records)
        enrich(record, source.position, transferId, mapped.notes.warnings);
    if (std::optional<Fault> invalid = firstFault(mapped.records)) {
        reject(Stage::Validate, std::move(*invalid), source);
    } else {
        sink.write(mapped.records);
    }
}

std::optional<Fault> Pipeline::firstFault(const std::vector<RegionalRecord>& records) const {
    for (const auto& record : records) {
        if (auto fault = validator_.validate(record, records)) return fault;
    }
    return std::nullopt;
}

void Pipeline::enrich(RegionalRecord& record, const SourcePosition& position,
                      std::int64_t transferId, const std::vector<std::string>& warnings) const {
    clients_.assign(record, mapping_.municipality(), mapping_.sourceSystem());
    // The hash covers the content alone, so an unchanged record delivered again hashes the same.
    std::string hash = contentHash(record.body);
    nlohmann::json provenance{{"sourceMunicipality", mapping_.municipality()},
                              {"sourceSystem", mapping_.sourceSystem()},
                              {"sourceRecordId", record.sourceRecordId},
                              {"input", position.input},
                              {"record", position.record},
                              {"transferId", transferId},
                              {"mapping", mapping_.name()},
                              {"mappingVersion", mapping_.version()},
                              {"contentHash", hash}};
    if (position.line != 0) provenance["line"] = position.line;
    if (!warnings.empty()) provenance["warnings"] = warnings;
    record.body["provenance"] = std::move(provenance);
}

}  // namespace gw
