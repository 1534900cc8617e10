#include "gateway/store/sqlite/sqlite_store.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/File.h>
#include <Poco/Path.h>

using namespace Poco::Data::Keywords;

namespace gw {
namespace {

std::string registeredConnector() {
    Poco::Data::SQLite::Connector::registerConnector();
    return Poco::Data::SQLite::Connector::KEY;
}

std::string createdFolderOf(const std::string& path) {
    Poco::File(Poco::Path(path).parent()).createDirectories();
    return path;
}

/// Writes each batch in one IMMEDIATE transaction with statements prepared once: in-process,
/// a statement per row costs less than anything set-based.
class SqliteSink : public SqlSink {
  public:
    SqliteSink(SqliteStore& store, Poco::Data::Session session, std::int64_t transferId)
        : SqlSink(store, std::move(session), transferId),
          findHead_(session_),
          insertRecord_(session_),
          lastSeq_(session_),
          upsertHead_(session_),
          insertRejection_(session_) {
        findHead_ << "SELECT version, content_hash FROM record_heads"
                     " WHERE municipality = ? AND source_system = ? AND entity = ?"
                     " AND source_record_id = ?",
            use(row_.municipality), use(row_.sourceSystem), use(row_.entity),
            use(row_.sourceRecordId), into(version_), into(headHash_);
        insertRecord_ << "INSERT INTO records (municipality, source_system, entity,"
                         " source_record_id, version, content_hash, transfer_id, record_number,"
                         " body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            use(row_.municipality), use(row_.sourceSystem), use(row_.entity),
            use(row_.sourceRecordId), use(version_), use(row_.contentHash), use(transferId_),
            use(row_.recordNumber), use(row_.body);
        lastSeq_ << "SELECT last_insert_rowid()", into(seq_);
        upsertHead_ << "INSERT INTO record_heads (municipality, source_system, entity,"
                       " source_record_id, version, content_hash, seq)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?)"
                       " ON CONFLICT (municipality, source_system, entity, source_record_id)"
                       " DO UPDATE SET version = excluded.version,"
                       " content_hash = excluded.content_hash, seq = excluded.seq",
            use(row_.municipality), use(row_.sourceSystem), use(row_.entity),
            use(row_.sourceRecordId), use(version_), use(row_.contentHash), use(seq_);
        insertRejection_
            << "INSERT INTO quarantine (transfer_id, input, line, record_number, stage,"
               " rule, field, message, source_fields)"
               " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            use(transferId_), use(rejection_.input), use(rejection_.line), use(rejection_.record),
            use(rejection_.stage), use(rejection_.rule), use(rejection_.field),
            use(rejection_.message), use(rejection_.sourceFields);
    }

  protected:
    // IMMEDIATE: a deferred transaction that reads first could not always upgrade to writing.
    void begin() override { session_ << "BEGIN IMMEDIATE", now; }

    void persist(std::vector<Item>& batch) override {
        for (auto& item : batch) {
            if (item.rejection) {
                rejection_ = *item.rejection;
                insertRejection_.execute();
                continue;
            }
            for (auto& row : item.rows) {
                // Bound by reference: the statements read row_ when they execute.
                row_ = std::move(row);
                version_ = 0;
                bool found = findHead_.execute() != 0;
                row_.stored = !found || headHash_ != row_.contentHash;
                if (row_.stored) {
                    version_ = found ? version_ + 1 : 1;
                    insertRecord_.execute();
                    lastSeq_.execute();
                    upsertHead_.execute();
                }
                row = std::move(row_);
            }
        }
    }

  private:
    Row row_;
    RejectRow rejection_;
    Poco::Int64 version_ = 0;
    Poco::Int64 seq_ = 0;
    std::string headHash_;
    Poco::Data::Statement findHead_;
    Poco::Data::Statement insertRecord_;
    Poco::Data::Statement lastSeq_;
    Poco::Data::Statement upsertHead_;
    Poco::Data::Statement insertRejection_;
};

}  // namespace

SqliteStore::SqliteStore(const std::string& path)
    : SqlStore(registeredConnector(), createdFolderOf(path)) {
    migrate();
}

void SqliteStore::configure(Poco::Data::Session& session) {
    session << "PRAGMA journal_mode = WAL", now;
    session << "PRAGMA synchronous = FULL", now;
    session << "PRAGMA foreign_keys = ON", now;
    session << "PRAGMA busy_timeout = 10000", now;
}

void SqliteStore::beginExclusive(Poco::Data::Session& session) {
    session << "BEGIN IMMEDIATE", now;
}

std::unique_ptr<RecordSink> SqliteStore::openSink(std::int64_t transferId) {
    return std::make_unique<SqliteSink>(*this, session(), transferId);
}

}  // namespace gw
