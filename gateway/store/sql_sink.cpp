#include "gateway/store/sql_sink.h"

#include "gateway/store/sql_values.h"

using namespace Poco::Data::Keywords;

namespace gw {

SqlSink::SqlSink(SqlStore& store, Poco::Data::Session session, std::int64_t transferId,
                 const WriterFactory& makeWriter)
    : store_(store),
      session_(std::move(session)),
      transferId_(transferId),
      writer_(makeWriter(session_)) {}

SqlSink::~SqlSink() {
    // Left mid-transfer (the pipeline failed): the batch being written commits or rolls back
    // on its own; what became of it is already in the transfer's row.
    try {
        finishWriting();
    } catch (...) {
    }
}

namespace {

/// A batch's source records as the sink stores them.
class Items final : public RecordSink::Batch {
  public:
    void add(std::vector<RegionalRecord>&& records) override {
        SqlSink::Item& item = items.emplace_back();
        item.rows.reserve(records.size());
        for (auto& record : records) {
            Provenance& provenance = record.provenance;
            SqlSink::Row& row = item.rows.emplace_back();
            row.municipality = std::move(provenance.sourceMunicipality);
            row.sourceSystem = std::move(provenance.sourceSystem);
            row.entity = std::move(record.entity);
            row.sourceRecordId = std::move(record.sourceRecordId);
            row.contentHash = std::move(provenance.contentHash);
            row.recordNumber = static_cast<Poco::Int64>(provenance.record);
            row.body = std::move(record.text);
        }
    }

    std::vector<SqlSink::Item> items;
};

}  // namespace

std::unique_ptr<RecordSink::Batch> SqlSink::newBatch() const {
    return std::make_unique<Items>();
}

void SqlSink::write(Batch& batch, std::size_t index) {
    add(std::move(static_cast<Items&>(batch).items[index]));
}

void SqlSink::quarantine(const Rejection& rejection, const SourceRecord& source) {
    Item item;
    item.rejection = Quarantined{rejection, source.fieldsJson().dump()};
    add(std::move(item));
}

void SqlSink::add(Item item) {
    batch_.push_back(std::move(item));
    if (batch_.size() < store_.batchSize()) return;
    // One batch is written while the next fills: memory holds two batches at most.
    finishWriting();
    writing_ = std::async(std::launch::async,
                          [this, batch = std::move(batch_)]() mutable { flush(batch); });
    batch_ = {};
}

void SqlSink::finishWriting() {
    if (writing_.valid()) {
        try {
            writing_.get();
        } catch (...) {
            failure_ = std::current_exception();
        }
    }
    // A sink whose batch failed writes nothing more: a later batch would leave a gap.
    if (failure_) std::rethrow_exception(failure_);
}

TransferCounts SqlSink::commit() {
    finishWriting();
    flush(batch_);
    return durable_;
}

void SqlSink::flush(std::vector<Item>& batch) {
    if (batch.empty()) return;
    store_.whileLocked([&] { writeBatch(batch); });
}

std::string SqlSink::keyOf(const Row& row) {
    return row.municipality + '\x1f' + row.sourceSystem + '\x1f' + row.entity + '\x1f' +
           row.sourceRecordId;
}

void SqlSink::persist(std::vector<Item>& batch) {
    // What the batch knows of each of its keys: its head so far, whether the store had the key
    // before the batch, and the batch's newest version of it.
    struct KeyState {
        Head head;
        bool inStore = false;
        std::optional<std::size_t> lastVersion;
    };
    std::unordered_map<std::string, KeyState> keys;  // elements never move: node-based
    std::vector<const Row*> distinct;
    std::vector<KeyState*> stateOfRow;  // in read order
    for (const auto& item : batch) {
        for (const auto& row : item.rows) {
            auto [state, fresh] = keys.try_emplace(keyOf(row));
            if (fresh) distinct.push_back(&row);
            stateOfRow.push_back(&state->second);
        }
    }
    std::size_t newKeys = distinct.size();
    for (auto& [key, head] : writer_->findHeads(distinct)) {
        KeyState& state = keys.at(key);
        state.head = std::move(head);
        state.inStore = true;
        --newKeys;
    }

    // The version decision, the same for every backend: a record becomes its key's next version
    // when the key is new or its newest version has other content. Decided in read order, so
    // that a key twice in one batch sees its earlier version.
    std::vector<NewVersion> versions;
    std::vector<KeyState*> stateOfVersion;
    std::size_t next = 0;
    for (auto& item : batch) {
        for (auto& row : item.rows) {
            KeyState& state = *stateOfRow[next++];
            row.stored = state.head.version == 0 || state.head.contentHash != row.contentHash;
            if (!row.stored) continue;
            state.head.version += 1;
            state.head.contentHash = row.contentHash;
            versions.push_back({&row, 0, 0, state.head.version, 0});
            stateOfVersion.push_back(&state);
        }
    }

    // Numbered in read order: seq is commit order, and a version's predecessor is the key's
    // head or its earlier version in this batch.
    if (!versions.empty()) {
        Poco::Int64 seq = writer_->reserve(Numbering::VersionSeq, versions.size());
        Poco::Int64 keyId = newKeys > 0 ? writer_->reserve(Numbering::KeyId, newKeys) : 0;
        for (std::size_t i = 0; i < versions.size(); ++i) {
            KeyState& state = *stateOfVersion[i];
            if (state.head.keyId == 0) state.head.keyId = keyId++;
            versions[i].seq = seq++;
            versions[i].keyId = state.head.keyId;
            versions[i].previousSeq = state.head.seq;
            state.head.seq = versions[i].seq;
            state.lastVersion = i;
        }
    }
    std::vector<MovedHead> heads;  // in seq order
    for (std::size_t i = 0; i < versions.size(); ++i) {
        const KeyState& state = *stateOfVersion[i];
        if (state.lastVersion == i) heads.push_back({&versions[i], !state.inStore});
    }
    std::vector<const Quarantined*> rejections;
    for (const auto& item : batch) {
        if (item.rejection) rejections.push_back(&*item.rejection);
    }
    if (!versions.empty()) writer_->writeVersions(versions, heads);
    if (!rejections.empty()) writer_->writeRejections(rejections);
}

void SqlSink::writeBatch(std::vector<Item>& batch) {
    writer_->begin();
    try {
        persist(batch);
        TransferCounts counts = durable_;
        RecordDigest digest = digest_;
        for (const auto& item : batch) {
            ++counts.read;
            if (item.rejection) {
                ++counts.rejected;
                continue;
            }
            bool stored = false;
            for (const auto& row : item.rows) {
                stored |= row.stored;
                digest.add(row.entity, row.sourceRecordId, row.contentHash);
            }
            ++(stored ? counts.stored : counts.unchanged);
        }
        Poco::Int64 read = asInt(counts.read), storedCount = asInt(counts.stored),
                    unchanged = asInt(counts.unchanged), rejected = asInt(counts.rejected);
        std::string digestHex = digest.hex();
        session_ << store_.sql(
            "UPDATE transfers SET records_read = ?, records_stored = ?,"
            " records_unchanged = ?, records_rejected = ?, digest = ?"
            " WHERE id = ?"),
            use(read), use(storedCount), use(unchanged), use(rejected), use(digestHex),
            use(transferId_), now;
        session_ << "COMMIT", now;
        durable_ = counts;
        digest_ = digest;
        batch.clear();
    } catch (...) {
        session_ << "ROLLBACK", now;
        throw;
    }
}

}  // namespace gw
