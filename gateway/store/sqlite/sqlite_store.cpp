#include "gateway/store/sqlite/sqlite_store.h"

#include <Poco/Data/SQLite/Connector.h>
#include <Poco/Data/SQLite/SQLiteException.h>
#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Path.h>
#include <fcntl.h>
#include <sqlite3.h>
#include <unistd.h>

#include "gateway/core/private_files.h"
#include "gateway/store/sql_sink.h"
#include "gateway/store/sqlite/prepared_statement.h"

using namespace Poco::Data::Keywords;

namespace gw {
namespace {

std::string registeredConnector() {
    Poco::Data::SQLite::Connector::registerConnector();
    return Poco::Data::SQLite::Connector::KEY;
}

// The database holds every identity code: its folder and a new database are made for the
// gateway's user alone, whatever the umask (SQLite gives its write-ahead log the database's
// mode), and a database or log that others may read is refused.
std::string privateDatabase(const std::string& path) {
    createPrivateFolders(Poco::Path(path).makeAbsolute().parent().toString());
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
    if (fd >= 0) ::close(fd);
    for (const char* suffix : {"", "-wal", "-shm"})
        refuseIfOpenToOthers(path + suffix, "the store");
    return path;
}

/// Writes each batch in one IMMEDIATE transaction, a statement per row: in-process, that costs
/// less than anything set-based.
class SqliteWriter : public SqlSink::Writer {
  public:
    SqliteWriter(Poco::Data::Session& session, std::int64_t transferId)
        : session_(session),
          transferId_(transferId),
          db_(Poco::Data::SQLite::Utility::dbHandle(session)),
          findHead_(db_,
                    "SELECT version, content_hash FROM record_heads"
                    " WHERE municipality = ? AND source_system = ? AND entity = ?"
                    " AND source_record_id = ?"),
          insertRecord_(db_,
                        "INSERT INTO records (municipality, source_system, entity,"
                        " source_record_id, version, content_hash, transfer_id, record_number,"
                        " body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          upsertHead_(db_,
                      "INSERT INTO record_heads (municipality, source_system, entity,"
                      " source_record_id, version, content_hash, seq)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?)"
                      " ON CONFLICT (municipality, source_system, entity, source_record_id)"
                      " DO UPDATE SET version = excluded.version,"
                      " content_hash = excluded.content_hash, seq = excluded.seq"),
          insertRejection_(db_,
                           "INSERT INTO quarantine (transfer_id, input, line, record_number,"
                           " stage, rule, field, message, source_fields)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") {}

    // IMMEDIATE: a deferred transaction that reads first could not always upgrade to writing.
    // The statements are made ready first: a batch tried again after a lock may have left one
    // mid-step.
    void begin() override {
        for (auto* statement : {&findHead_, &insertRecord_, &upsertHead_, &insertRejection_})
            statement->reset();
        session_ << "BEGIN IMMEDIATE", now;
    }

    std::unordered_map<std::string, SqlSink::Head> findHeads(
        const std::vector<const SqlSink::Row*>& rows) override {
        std::unordered_map<std::string, SqlSink::Head> heads;
        for (const SqlSink::Row* row : rows) {
            findHead_.bind(1, row->municipality).bind(2, row->sourceSystem);
            findHead_.bind(3, row->entity).bind(4, row->sourceRecordId);
            if (findHead_.step())
                heads[SqlSink::keyOf(*row)] = {findHead_.integer(0), findHead_.text(1)};
            findHead_.reset();
        }
        return heads;
    }

    void writeVersions(const std::vector<SqlSink::NewVersion>& versions) override {
        for (const auto& version : versions) {
            const SqlSink::Row& row = *version.row;
            insertRecord_.bind(1, row.municipality).bind(2, row.sourceSystem);
            insertRecord_.bind(3, row.entity).bind(4, row.sourceRecordId);
            insertRecord_.bind(5, version.version).bind(6, row.contentHash);
            insertRecord_.bind(7, transferId_).bind(8, row.recordNumber).bind(9, row.body);
            insertRecord_.step();
            insertRecord_.reset();
            if (!version.lastOfKey) continue;
            Poco::Int64 seq = sqlite3_last_insert_rowid(db_);
            upsertHead_.bind(1, row.municipality).bind(2, row.sourceSystem).bind(3, row.entity);
            upsertHead_.bind(4, row.sourceRecordId).bind(5, version.version);
            upsertHead_.bind(6, row.contentHash).bind(7, seq);
            upsertHead_.step();
            upsertHead_.reset();
        }
    }

    void writeRejections(const std::vector<const SqlSink::Quarantined*>& rejections) override {
        for (const SqlSink::Quarantined* quarantined : rejections) {
            const Rejection& r = quarantined->rejection;
            insertRejection_.bind(1, transferId_).bind(2, r.position.input);
            insertRejection_.bind(3, static_cast<Poco::Int64>(r.position.line));
            insertRejection_.bind(4, static_cast<Poco::Int64>(r.position.record));
            insertRejection_.bind(5, stageName(r.stage)).bind(6, r.rule).bind(7, r.field);
            insertRejection_.bind(8, r.message).bind(9, quarantined->sourceFields);
            insertRejection_.step();
            insertRejection_.reset();
        }
    }

  private:
    Poco::Data::Session& session_;
    Poco::Int64 transferId_;
    sqlite3* db_;
    PreparedStatement findHead_;
    PreparedStatement insertRecord_;
    PreparedStatement upsertHead_;
    PreparedStatement insertRejection_;
};

}  // namespace

SqliteStore::SqliteStore(const std::string& path)
    : SqlStore(registeredConnector(), privateDatabase(path)), path_(path) {
    migrate();
}

bool SqliteStore::isLocked(const std::exception& e) const {
    return dynamic_cast<const Poco::Data::SQLite::DBLockedException*>(&e) != nullptr ||
           dynamic_cast<const Poco::Data::SQLite::TableLockedException*>(&e) != nullptr;
}

void SqliteStore::configure(Poco::Data::Session& session) {
    session << "PRAGMA journal_mode = WAL", now;
    session << "PRAGMA synchronous = FULL", now;
    session << "PRAGMA foreign_keys = ON", now;
    session << "PRAGMA busy_timeout = 10000", now;
    // 32 MiB of pages: the key indexes of a million records stay in memory, not in read() calls.
    session << "PRAGMA cache_size = -32768", now;
    // Checkpoints copy the WAL's pages into the database; less often, each hot page is copied
    // fewer times (default: every 1 000 pages).
    session << "PRAGMA wal_autocheckpoint = 10000", now;
}

void SqliteStore::beginExclusive(Poco::Data::Session& session) {
    session << "BEGIN IMMEDIATE", now;
}

std::unique_ptr<RecordSink> SqliteStore::openSink(std::int64_t transferId) {
    // Its own connection, not the pool's: the sink works on SQLite's handle directly.
    Poco::Data::Session own(Poco::Data::SQLite::Connector::KEY, path_);
    configure(own);
    return std::make_unique<SqlSink>(*this, std::move(own), transferId,
                                     [transferId](Poco::Data::Session& session) {
                                         return std::make_unique<SqliteWriter>(session, transferId);
                                     });
}

}  // namespace gw
