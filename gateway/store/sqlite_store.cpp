#include "gateway/store/sqlite_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/Transaction.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/Timestamp.h>

#include "gateway/core/errors.h"

using namespace Poco::Data::Keywords;

namespace gw {
namespace {

std::string utcNow() {
    return Poco::DateTimeFormatter::format(Poco::Timestamp(),
                                           Poco::DateTimeFormat::ISO8601_FRAC_FORMAT);
}

// Each entry is one schema version; a database remembers which it has in schema_migrations.
const std::vector<std::vector<std::string>>& migrations() {
    static const std::vector<std::vector<std::string>> steps = {
        {
            "CREATE TABLE transfers ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " source TEXT NOT NULL, municipality TEXT NOT NULL, input TEXT NOT NULL,"
            " state TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,"
            " records_read INTEGER NOT NULL DEFAULT 0, records_stored INTEGER NOT NULL DEFAULT 0,"
            " records_unchanged INTEGER NOT NULL DEFAULT 0,"
            " records_rejected INTEGER NOT NULL DEFAULT 0, error TEXT)",
            // seq is the commit order the county's feeds follow.
            "CREATE TABLE records ("
            " seq INTEGER PRIMARY KEY AUTOINCREMENT,"
            " municipality TEXT NOT NULL, source_system TEXT NOT NULL, entity TEXT NOT NULL,"
            " source_record_id TEXT NOT NULL, version INTEGER NOT NULL,"
            " content_hash TEXT NOT NULL, transfer_id INTEGER NOT NULL REFERENCES transfers(id),"
            " body TEXT NOT NULL,"
            " UNIQUE (municipality, source_system, entity, source_record_id, version))",
            "CREATE TABLE quarantine ("
            " id INTEGER PRIMARY KEY AUTOINCREMENT,"
            " transfer_id INTEGER NOT NULL REFERENCES transfers(id),"
            " input TEXT NOT NULL, line INTEGER NOT NULL, record_number INTEGER NOT NULL,"
            " stage TEXT NOT NULL, rule TEXT NOT NULL, field TEXT NOT NULL, message TEXT NOT NULL,"
            " source_fields TEXT NOT NULL)",
            "CREATE INDEX quarantine_by_transfer ON quarantine (transfer_id, id)",
        },
    };
    return steps;
}

/// Writes one transfer's records in batched transactions with statements prepared once.
class SqliteSink : public RecordSink {
  public:
    SqliteSink(Poco::Data::Session session, std::int64_t transferId)
        : session_(std::move(session)),
          transferId_(transferId),
          findHead_(session_),
          insertRecord_(session_),
          insertRejection_(session_) {
        findHead_ << "SELECT version, content_hash FROM records"
                     " WHERE municipality = ? AND source_system = ? AND entity = ?"
                     " AND source_record_id = ? ORDER BY version DESC LIMIT 1",
            use(key_.municipality), use(key_.sourceSystem), use(key_.entity),
            use(key_.sourceRecordId), into(headVersion_), into(headHash_);
        insertRecord_ << "INSERT INTO records (municipality, source_system, entity,"
                         " source_record_id, version, content_hash, transfer_id, body)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            use(key_.municipality), use(key_.sourceSystem), use(key_.entity),
            use(key_.sourceRecordId), use(headVersion_), use(headHash_), use(transferId_),
            use(body_);
        insertRejection_
            << "INSERT INTO quarantine (transfer_id, input, line, record_number, stage,"
               " rule, field, message, source_fields)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            use(transferId_), use(rejection_.input), use(rejection_.line), use(rejection_.record),
            use(rejection_.stage), use(rejection_.rule), use(rejection_.field),
            use(rejection_.message), use(rejection_.sourceFields);
        session_.begin();
    }

    ~SqliteSink() override {
        if (session_.isTransaction()) session_.rollback();
    }

    Outcome write(const std::vector<RegionalRecord>& records) override {
        bool changed = false;
        for (const auto& record : records) changed |= writeOne(record);
        countAndCommitBatch();
        return changed ? Outcome::Stored : Outcome::Unchanged;
    }

    void quarantine(const Rejection& rejection, const SourceRecord& source) override {
        rejection_.input = rejection.position.input;
        rejection_.line = static_cast<Poco::Int64>(rejection.position.line);
        rejection_.record = static_cast<Poco::Int64>(rejection.position.record);
        rejection_.stage = stageName(rejection.stage);
        rejection_.rule = rejection.rule;
        rejection_.field = rejection.field;
        rejection_.message = rejection.message;
        rejection_.sourceFields = source.fieldsJson().dump();
        insertRejection_.execute();
        countAndCommitBatch();
    }

    void commit() override {
        session_.commit();
        session_.begin();
    }

  private:
    static constexpr int kBatchSize = 1000;

    // Stores a new version unless the newest stored one has the same content. True if stored.
    bool writeOne(const RegionalRecord& record) {
        const auto& provenance = record.body.at("provenance");
        key_.municipality = provenance.at("sourceMunicipality").get<std::string>();
        key_.sourceSystem = provenance.at("sourceSystem").get<std::string>();
        key_.entity = record.entity;
        key_.sourceRecordId = record.sourceRecordId;
        std::string hash = provenance.at("contentHash").get<std::string>();

        headVersion_ = 0;
        std::size_t found = findHead_.execute();
        if (found != 0 && headHash_ == hash) return false;
        headVersion_ = found != 0 ? headVersion_ + 1 : 1;
        headHash_ = hash;
        body_ = record.body.dump();
        insertRecord_.execute();
        return true;
    }

    void countAndCommitBatch() {
        if (++inBatch_ >= kBatchSize) {
            commit();
            inBatch_ = 0;
        }
    }

    struct Key {
        std::string municipality, sourceSystem, entity, sourceRecordId;
    };
    struct RejectionRow {
        std::string input;
        Poco::Int64 line = 0;
        Poco::Int64 record = 0;
        std::string stage, rule, field, message, sourceFields;
    };

    Poco::Data::Session session_;
    Poco::Int64 transferId_;
    Key key_;
    Poco::Int64 headVersion_ = 0;
    std::string headHash_;
    std::string body_;
    RejectionRow rejection_;
    Poco::Data::Statement findHead_;
    Poco::Data::Statement insertRecord_;
    Poco::Data::Statement insertRejection_;
    int inBatch_ = 0;
};

}  // namespace

SqliteStore::SqliteStore(std::string path) : path_(std::move(path)) {
    Poco::File(Poco::Path(path_).parent()).createDirectories();
    Poco::Data::SQLite::Connector::registerConnector();
    migrate();
}

Poco::Data::Session SqliteStore::connect() const {
    Poco::Data::Session session("SQLite", path_);
    session << "PRAGMA journal_mode = WAL", now;
    session << "PRAGMA synchronous = FULL", now;
    session << "PRAGMA foreign_keys = ON", now;
    session << "PRAGMA busy_timeout = 10000", now;
    return session;
}

void SqliteStore::migrate() {
    auto session = connect();
    session << "CREATE TABLE IF NOT EXISTS schema_migrations"
               " (version INTEGER PRIMARY KEY, applied_at TEXT NOT NULL)",
        now;
    // BEGIN IMMEDIATE: two processes starting at once must not both apply a migration.
    session << "BEGIN IMMEDIATE", now;
    try {
        int current = 0;
        session << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", into(current), now;
        const auto& steps = migrations();
        for (int version = current + 1; version <= static_cast<int>(steps.size()); ++version) {
            for (const auto& sql : steps[static_cast<std::size_t>(version - 1)])
                session << sql, now;
            std::string applied = utcNow();
            session << "INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)",
                use(version), use(applied), now;
        }
        session << "COMMIT", now;
    } catch (...) {
        session << "ROLLBACK", now;
        throw;
    }
}

std::int64_t SqliteStore::beginTransfer(const std::string& source, const std::string& municipality,
                                        const std::string& input) {
    auto session = connect();
    std::string started = utcNow();
    std::string source_ = source, municipality_ = municipality, input_ = input;
    session << "INSERT INTO transfers (source, municipality, input, state, started_at)"
               " VALUES (?, ?, ?, 'running', ?)",
        use(source_), use(municipality_), use(input_), use(started), now;
    Poco::Int64 id = 0;
    session << "SELECT last_insert_rowid()", into(id), now;
    return id;
}

void SqliteStore::finishTransfer(std::int64_t id, const TransferResult& result) {
    auto session = connect();
    std::string state = result.error ? "failed" : result.interrupted ? "interrupted" : "succeeded";
    std::string finished = utcNow();
    std::string error = result.error.value_or("");
    auto count = [](std::uint64_t n) { return static_cast<Poco::Int64>(n); };
    Poco::Int64 read = count(result.counts.read), stored = count(result.counts.stored),
                unchanged = count(result.counts.unchanged),
                rejected = count(result.counts.rejected);
    Poco::Int64 transferId = id;
    session << "UPDATE transfers SET state = ?, finished_at = ?, records_read = ?,"
               " records_stored = ?, records_unchanged = ?, records_rejected = ?, error = ?"
               " WHERE id = ?",
        use(state), use(finished), use(read), use(stored), use(unchanged), use(rejected),
        use(error), use(transferId), now;
}

std::unique_ptr<RecordSink> SqliteStore::openSink(std::int64_t transferId) {
    return std::make_unique<SqliteSink>(connect(), transferId);
}

std::vector<TransferInfo> SqliteStore::listTransfers(std::size_t limit) {
    return queryTransfers("", 0, limit);
}

std::optional<TransferInfo> SqliteStore::findTransfer(std::int64_t id) {
    auto found = queryTransfers("WHERE id = ?", id, 1);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<TransferInfo> SqliteStore::queryTransfers(const std::string& where, std::int64_t id,
                                                      std::size_t limit) {
    auto session = connect();
    Poco::Data::Statement select(session);
    select << "SELECT id, source, municipality, input, state, started_at,"
              " COALESCE(finished_at, ''), records_read, records_stored, records_unchanged,"
              " records_rejected, COALESCE(error, '') FROM transfers " +
                  where + " ORDER BY id DESC LIMIT " + std::to_string(limit);
    Poco::Int64 boundId = id;
    if (!where.empty()) select, use(boundId);
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::vector<TransferInfo> transfers;
    for (std::size_t row = 0; row < rows.rowCount(); ++row) {
        TransferInfo info;
        info.id = rows.value(0, row).convert<Poco::Int64>();
        info.source = rows.value(1, row).convert<std::string>();
        info.municipality = rows.value(2, row).convert<std::string>();
        info.input = rows.value(3, row).convert<std::string>();
        info.state = rows.value(4, row).convert<std::string>();
        info.startedAt = rows.value(5, row).convert<std::string>();
        info.finishedAt = rows.value(6, row).convert<std::string>();
        info.counts.read = rows.value(7, row).convert<Poco::UInt64>();
        info.counts.stored = rows.value(8, row).convert<Poco::UInt64>();
        info.counts.unchanged = rows.value(9, row).convert<Poco::UInt64>();
        info.counts.rejected = rows.value(10, row).convert<Poco::UInt64>();
        info.error = rows.value(11, row).convert<std::string>();
        transfers.push_back(std::move(info));
    }
    return transfers;
}

void SqliteStore::scanCurrent(const std::string& entity,
                              const std::function<void(const nlohmann::json& record)>& visit) {
    auto session = connect();
    std::string entityName = entity;
    std::string body;
    Poco::Data::Statement select(session);
    select << "SELECT body FROM records r WHERE entity = ? AND version = (SELECT MAX(version)"
              " FROM records n WHERE n.municipality = r.municipality"
              " AND n.source_system = r.source_system AND n.entity = r.entity"
              " AND n.source_record_id = r.source_record_id) ORDER BY seq",
        use(entityName), into(body), range(0, 1);
    while (!select.done()) {
        if (select.execute() == 0) break;
        visit(nlohmann::json::parse(body));
    }
}

nlohmann::json TransferInfo::toJson() const {
    nlohmann::json j{{"id", id},
                     {"source", source},
                     {"municipality", municipality},
                     {"input", input},
                     {"state", state},
                     {"startedAt", startedAt},
                     {"counts", counts.toJson()}};
    if (!finishedAt.empty()) j["finishedAt"] = finishedAt;
    if (!error.empty()) j["error"] = error;
    return j;
}

std::unique_ptr<Store> openStore(const std::string& backend, const std::string& connection) {
    if (backend == "sqlite") return std::make_unique<SqliteStore>(connection);
    throw ConfigError("unknown store backend '" + backend + "' (this build has: sqlite)");
}

}  // namespace gw
