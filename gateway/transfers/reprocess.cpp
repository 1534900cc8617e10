#include "gateway/transfers/reprocess.h"

#include <fstream>
#include <set>
#include <unordered_map>

#include "gateway/core/errors.h"
#include "gateway/pipeline/pipeline.h"
#include "gateway/reports/change_report.h"

namespace gw {
namespace {

/// The record numbers of the source records transfer `id` turned away.
std::set<std::int64_t> rejectedRecords(Store& store, std::int64_t id) {
    std::set<std::int64_t> records;
    forEachReject(store, id, [&](const Rejection& rejection) {
        records.insert(static_cast<std::int64_t>(rejection.position.record));
    });
    return records;
}

/// The run of `original`'s input whose rejects a re-run is compared with: the newest of the
/// original and its re-runs that ended before transfer `before` (0: before any).
TransferInfo baselineOf(Store& store, const TransferInfo& original, std::int64_t before) {
    for (const auto& transfer : store.transfersOf(original.source)) {  // newest first
        if (before != 0 && transfer.id >= before) continue;
        if (transfer.id != original.id && transfer.reprocessOf != original.id) continue;
        if (transfer.state == "succeeded" || transfer.state == "failed") return transfer;
    }
    return original;
}

/// A report on re-running `original`'s input, compared with its run `baseline`.
ChangeReport reportFor(const TransferRunner& runner, const TransferInfo& original,
                       const TransferInfo& baseline, nlohmann::json about) {
    const Source* source = runner.sources().find(original.source);
    about["reprocessOf"] = original.id;
    about["source"] = original.source;
    about["input"] = original.input;
    about["mapping"] = {{"name", source ? source->mapping().name() : ""},
                        {"after", source ? source->mapping().version() : ""}};
    if (!baseline.mappingVersion.empty()) about["mapping"]["before"] = baseline.mappingVersion;
    return ChangeReport(std::move(about), codeSetFields(runner.settings().schemaDirectory));
}

/// A dry run's sink: compares each record with the version its key would have when the record
/// came (the store's current one, or one this input made before it), and each rejection with the
/// rejects of the last run of the input; it stores nothing.
class PreviewSink final : public WholeRecordSink {
  public:
    PreviewSink(Store& store, ChangeReport& report, std::set<std::int64_t> rejectedBefore)
        : store_(store), report_(report), rejectedBefore_(std::move(rejectedBefore)) {}

    void write(const std::vector<RegionalRecord>& records) override {
        ++counts_.read;
        bool anyNew = false, anyReplaced = false;
        for (const auto& record : records) {
            const std::string& municipality = record.provenance.sourceMunicipality;
            const std::string& system = record.provenance.sourceSystem;
            const std::string& hash = record.provenance.contentHash;
            // A key this input wrote already (a resent record) is judged against that version,
            // as the store would; only its hash is kept, so its fields are not compared.
            std::string key =
                municipality + '\n' + system + '\n' + record.entity + '\n' + record.sourceRecordId;
            if (auto earlier = written_.find(key); earlier != written_.end()) {
                if (earlier->second == hash) continue;
                anyReplaced = true;
                earlier->second = hash;
                continue;
            }
            auto current =
                store_.currentRecord(municipality, system, record.entity, record.sourceRecordId);
            if (!current) {
                anyNew = true;
                written_.emplace(std::move(key), hash);
                continue;
            }
            auto before = nlohmann::json::parse(*current);
            if (before.at("provenance").at("contentHash") == hash) continue;
            anyReplaced = true;
            written_.emplace(std::move(key), hash);
            report_.compare(record.entity, before, nlohmann::json::parse(record.text));
        }
        if (anyReplaced || anyNew)
            ++counts_.stored;
        else
            ++counts_.unchanged;
        report_.count(anyReplaced ? ChangeReport::Outcome::Changed
                      : anyNew    ? ChangeReport::Outcome::NewlyStored
                                  : ChangeReport::Outcome::Unchanged);
    }
    void quarantine(const Rejection& rejection, const SourceRecord&) override {
        ++counts_.read;
        ++counts_.rejected;
        report_.countRejected(
            rejection,
            rejectedBefore_.count(static_cast<std::int64_t>(rejection.position.record)) != 0);
    }
    TransferCounts commit() override { return counts_; }

  private:
    Store& store_;
    ChangeReport& report_;
    std::set<std::int64_t> rejectedBefore_;
    /// The content hash of each key this input would write a version of.
    std::unordered_map<std::string, std::string> written_;
    TransferCounts counts_;
};

}  // namespace

nlohmann::json reportReprocess(Store& store, const TransferRunner& runner,
                               const TransferInfo& rerun) {
    auto original = store.findTransfer(rerun.reprocessOf);
    if (!original) {
        throw InputError("transfer " + std::to_string(rerun.reprocessOf) + ", which transfer " +
                         std::to_string(rerun.id) + " re-ran, is not in the log");
    }
    TransferInfo baseline = baselineOf(store, *original, rerun.id);
    ChangeReport report = reportFor(runner, *original, baseline,
                                    {{"transfer", rerun.id},
                                     {"state", rerun.state},
                                     {"dryRun", false},
                                     {"read", rerun.counts.read}});
    auto before = rejectedRecords(store, baseline.id);
    forEachReject(store, rerun.id, [&](const Rejection& rejection) {
        report.countRejected(
            rejection, before.count(static_cast<std::int64_t>(rejection.position.record)) != 0);
    });
    report.count(ChangeReport::Outcome::Unchanged,
                 static_cast<std::int64_t>(rerun.counts.unchanged));
    // The versions of one source record are stored together, in commit order.
    std::optional<std::int64_t> current;
    bool replaced = false;
    auto close = [&] {
        if (current)
            report.count(replaced ? ChangeReport::Outcome::Changed
                                  : ChangeReport::Outcome::NewlyStored);
    };
    store.scanTransferChanges(rerun.id, [&](const StoredChange& change) {
        if (current != change.recordNumber) {
            close();
            current = change.recordNumber;
            replaced = false;
        }
        if (change.before.empty()) return;
        replaced = true;
        report.compare(change.entity, nlohmann::json::parse(change.before),
                       nlohmann::json::parse(change.after));
    });
    close();
    return report.toJson();
}

nlohmann::json previewReprocess(Store& store, const TransferRunner& runner,
                                const TransferInfo& original) {
    std::string path = runner.keptInputOf(original);
    const Source& source = *runner.sources().find(original.source);
    TransferInfo baseline = baselineOf(store, original, 0);
    ChangeReport report = reportFor(runner, original, baseline, {{"dryRun", true}});
    std::ifstream input(path, std::ios::binary);
    if (!input)
        throw InputError("cannot open the input of transfer " + std::to_string(original.id));
    PreviewSink sink(store, report, rejectedRecords(store, baseline.id));
    auto result = Pipeline(source.mapping(), runner.validator(), runner.clients(),
                           Pipeline::defaultThreads(), runner.settings().pipelineMaxBytesInFlight)
                      .run(input, original.input, 0, sink);
    if (result.error) throw InputError(*result.error);
    nlohmann::json json = report.toJson();
    json["read"] = result.counts.read;
    return json;
}

}  // namespace gw
