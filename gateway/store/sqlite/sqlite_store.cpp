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
                    "SELECT id, version, content_hash, seq FROM record_keys"
                    " WHERE municipality = ? AND source_system = ? AND entity = ?"
                    " AND source_record_id = ?"),
          lastNumber_(db_, "SELECT seq FROM sqlite_sequence WHERE name = ?"),
          insertKey_(db_,
                     "INSERT INTO record_keys (id, municipality, source_system, entity,"
                     " source_record_id, version, content_hash, seq)"
                     " VALUES (?, ?, ?, ?, ?, ?, ?, ?)"),
          insertVersion_(db_,
                         "INSERT INTO record_versions (seq, key_id, entity, version, previous_seq,"
                         " content_hash, transfer_id, record_number, body)"
                         " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
          moveHead_(db_,
                    "UPDATE record_keys SET version = ?, content_hash = ?, seq = ? WHERE id = ?"),
          insertRejection_(db_,
                           "INSERT INTO quarantine (transfer_id, input, line, record_number,"
                           " stage, rule, field, message, source_fields)"
                           " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)") {}

    // IMMEDIATE: a deferred transaction that reads first could not always upgrade to writing.
    // The statements are made ready first: a batch tried again after a lock may have left one
    // mid-step.
    void begin() override {
        for (auto* statement : {&findHead_, &lastNumber_, &insertKey_, &insertVersion_, &moveHead_,
                                &insertRejection_})
            statement->reset();
        session_ << "BEGIN IMMEDIATE", now;
    }

    std::unordered_map<std::string, SqlSink::Head> findHeads(
        const std::vector<const SqlSink::Row*>& rows) override {
        std::unordered_map<std::string, SqlSink::Head> heads;
        for (const SqlSink::Row* row : rows) {
            findHead_.bind(1, row->municipality).bind(2, row->sourceSystem);
            findHead_.bind(3, row->entity).bind(4, row->sourceRecordId);
            if (findHead_.step()) {
                // A retired key (no head seq) keeps its version numbers but no content.
                Poco::Int64 seq = findHead_.integer(3);
                heads[SqlSink::keyOf(*row)] = {findHead_.integer(0), findHead_.integer(1),
                                               seq == 0 ? std::string() : findHead_.text(2), seq};
            }
            findHead_.reset();
        }
        return heads;
    }

    // One writer at a time (the IMMEDIATE transaction): the numbers after the highest one
    // AUTOINCREMENT has seen are free, and inserting them moves it on.
    Poco::Int64 reserve(SqlSink::Numbering numbering, std::size_t /*count*/) override {
        lastNumber_.bind(
            1, numbering == SqlSink::Numbering::VersionSeq ? "record_versions" : "record_keys");
        Poco::Int64 last = lastNumber_.step() ? lastNumber_.integer(0) : 0;
        lastNumber_.reset();
        return last + 1;
    }

    void writeVersions(const std::vector<SqlSink::NewVersion>& versions,
                       const std::vector<SqlSink::MovedHead>& heads) override {
        for (const auto& version : versions) {
            const SqlSink::Row& row = *version.row;
            insertVersion_.bind(1, version.seq).bind(2, version.keyId).bind(3, row.entity);
            insertVersion_.bind(4, version.version);
            if (version.previousSeq != 0) insertVersion_.bind(5, version.previousSeq);
            insertVersion_.bind(6, row.contentHash).bind(7, transferId_);
            insertVersion_.bind(8, row.recordNumber).bind(9, row.body);
            insertVersion_.step();
            insertVersion_.reset();
        }
        for (const auto& moved : heads) {
            const SqlSink::NewVersion& head = *moved.head;
            const SqlSink::Row& row = *head.row;
            if (moved.newKey) {
                insertKey_.bind(1, head.keyId).bind(2, row.municipality);
                insertKey_.bind(3, row.sourceSystem).bind(4, row.entity);
                insertKey_.bind(5, row.sourceRecordId).bind(6, head.version);
                insertKey_.bind(7, row.contentHash).bind(8, head.seq);
                insertKey_.step();
                insertKey_.reset();
            } else {
                moveHead_.bind(1, head.version).bind(2, row.contentHash);
                moveHead_.bind(3, head.seq).bind(4, head.keyId);
                moveHead_.step();
                moveHead_.reset();
            }
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
    PreparedStatement lastNumber_;
    PreparedStatement insertKey_;
    PreparedStatement insertVersion_;
    PreparedStatement moveHead_;
    PreparedStatement insertRejection_;
};

}  // namespace

SqliteStore::SqliteStore(const std::string& path, std::size_t schemaVersion)
    : SqlStore(registeredConnector(), privateDatabase(path)), path_(path) {
    migrate(schemaVersion);
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
