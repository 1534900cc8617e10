#include "gateway/store/regional_key_migration.h"

#include <set>

#include "gateway/core/errors.h"

namespace gw {
namespace {

constexpr const char* kFingerprintSetting = "regional-key-fingerprint";

}  // namespace

RegionalKeyMigration::RegionalKeyMigration(Store& store, const ClientIdentity& clients,
                                           std::string instance)
    : store_(store), clients_(clients), instance_(std::move(instance)) {}

std::vector<TransferInfo> RegionalKeyMigration::run(const std::vector<std::string>& entities) {
    std::string fingerprint = clients_.keys().fingerprint();
    std::string known = store_.setting(kFingerprintSetting);
    if (known == fingerprint) return {};
    if (!known.empty()) {
        throw ConfigError(
            "the store was written under another regional key (identity.key in the secrets "
            "file): every client id in it would change. Restore the key it was written with.");
    }
    std::set<std::string> municipalities;
    for (const auto& stats : store_.sourceStats()) municipalities.insert(stats.municipality);
    std::vector<TransferInfo> transfers;
    for (const auto& municipality : municipalities)
        transfers.push_back(migrate(municipality, entities));
    for (const auto& transfer : transfers) {
        if (transfer.state != "succeeded")
            throw std::runtime_error("re-keying the store failed: " + transfer.error);
    }
    store_.setSetting(kFingerprintSetting, fingerprint);
    return transfers;
}

TransferInfo RegionalKeyMigration::migrate(const std::string& municipality,
                                           const std::vector<std::string>& entities) {
    std::int64_t id = store_.beginTransfer(kSource, municipality, "current records", instance_);
    struct Retired {
        std::string system, sourceRecordId;
    };
    std::vector<Retired> retired;
    TransferResult result;
    try {
        auto sink = store_.openSink(id);
        std::uint64_t read = 0;
        std::optional<SharedProvenance> shared;
        for (const auto& entity : entities) {
            store_.scanCurrent(
                entity,
                [&](const nlohmann::json& stored) {
                    Provenance provenance = Provenance::fromJson(stored.at("provenance"));
                    const std::string system = provenance.sourceSystem;
                    const std::string oldId = provenance.sourceRecordId;
                    RegionalRecord record{entity, oldId, RecordBody::fromJson(stored)};
                    clients_.assign(record, municipality, system);
                    // Its ordinal in this transfer, so that each record counts as one source
                    // record of it; input and line still say where its content came from.
                    provenance.record = ++read;
                    provenance.transferId = id;
                    provenance.sourceRecordId = record.sourceRecordId;
                    sealRecord(record, std::move(provenance), clients_.keys(), shared);
                    if (record.sourceRecordId != oldId) retired.push_back({system, oldId});
                    std::vector<RegionalRecord> records;
                    records.push_back(std::move(record));
                    writeRecords(*sink, std::move(records));
                },
                municipality);
        }
        result.counts = sink->commit();
        result.counts.read = read;
    } catch (const std::exception& e) {
        result.error = std::string("re-keying failed: ") + e.what();
    }
    store_.finishTransfer(id, result);
    auto transfer = *store_.findTransfer(id);
    if (transfer.state == "succeeded") {
        for (const auto& old : retired)
            store_.retireRecord(municipality, old.system, "client", old.sourceRecordId);
    }
    return transfer;
}

}  // namespace gw
