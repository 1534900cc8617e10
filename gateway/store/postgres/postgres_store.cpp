#include "gateway/store/postgres/postgres_store.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <libpq-fe.h>

#include <array>
#include <charconv>
#include <memory>
#include <stdexcept>
#include <unordered_map>

#include "gateway/store/postgres/copy_text.h"
#include "gateway/store/sql_sink.h"

using namespace Poco::Data::Keywords;

namespace gw {
namespace {

// Held for the length of a write transaction (migrations, each batch of records): writers take
// their turn, so the records' seq numbers are committed in the order they were handed out and a
// feed reader that follows the cursor never skips a record that commits late.
constexpr const char* kWriterLock = "727001";

std::string registeredConnector() {
    Poco::Data::PostgreSQL::Connector::registerConnector();
    return Poco::Data::PostgreSQL::Connector::KEY;
}

using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

/// Runs one statement on the raw connection; throws with PostgreSQL's message on failure.
Result execute(PGconn* connection, const std::string& text, ExecStatusType expected) {
    Result result(PQexec(connection, text.c_str()), &PQclear);
    if (PQresultStatus(result.get()) != expected) {
        throw std::runtime_error("PostgreSQL: " + std::string(PQerrorMessage(connection)));
    }
    return result;
}

/// Rows for COPY ... FROM STDIN in text format.
class CopyBuffer {
  public:
    CopyBuffer& field(std::string_view value) {
        startField();
        appendCopyField(text_, value);
        return *this;
    }
    CopyBuffer& field(Poco::Int64 value) {
        char digits[24];
        auto end = std::to_chars(digits, digits + sizeof digits, value).ptr;
        return field(std::string_view(digits, static_cast<std::size_t>(end - digits)));
    }
    CopyBuffer& null() {
        startField();
        text_ += "\\N";
        return *this;
    }
    void endRow() {
        text_ += '\n';
        lineStart_ = true;
    }
    bool empty() const { return text_.empty(); }
    /// Empties the buffer and keeps its memory, so that the next batch's rows need none new.
    void clear() {
        text_.clear();
        lineStart_ = true;
    }

    /// Sends the rows with `COPY table (columns) FROM STDIN`.
    void copyInto(PGconn* connection, const std::string& target) const {
        execute(connection, "COPY " + target + " FROM STDIN", PGRES_COPY_IN);
        if (PQputCopyData(connection, text_.data(), static_cast<int>(text_.size())) != 1 ||
            PQputCopyEnd(connection, nullptr) != 1) {
            throw std::runtime_error("PostgreSQL: " + std::string(PQerrorMessage(connection)));
        }
        Result done(PQgetResult(connection), &PQclear);
        if (PQresultStatus(done.get()) != PGRES_COMMAND_OK) {
            throw std::runtime_error("PostgreSQL: " + std::string(PQerrorMessage(connection)));
        }
        while (PGresult* rest = PQgetResult(connection)) PQclear(rest);
    }

  private:
    /// Separates a field from the one before it on its row.
    void startField() {
        if (!lineStart_) text_ += '\t';
        lineStart_ = false;
    }

    std::string text_;
    bool lineStart_ = true;
};

/// Writes each batch set-based: the batch's keys found in one query, then the new versions,
/// the new keys and the rejections each in one COPY, and the moved heads in one upsert.
class PostgresWriter : public SqlSink::Writer {
  public:
    PostgresWriter(Poco::Data::Session& session, std::int64_t transferId)
        : transferId_(transferId),
          connection_(static_cast<Poco::Data::PostgreSQL::SessionImpl*>(session.impl())->handle()) {
        execute(connection_,
                "CREATE TEMPORARY TABLE batch_keys (municipality TEXT, source_system TEXT,"
                " entity TEXT, source_record_id TEXT) ON COMMIT DELETE ROWS",
                PGRES_COMMAND_OK);
        execute(connection_,
                "CREATE TEMPORARY TABLE batch_heads (LIKE record_keys) ON COMMIT DELETE ROWS",
                PGRES_COMMAND_OK);
    }

    void begin() override {
        execute(connection_, "BEGIN", PGRES_COMMAND_OK);
        execute(connection_, std::string("SELECT pg_advisory_xact_lock(") + kWriterLock + ")",
                PGRES_TUPLES_OK);
    }

    std::unordered_map<std::string, SqlSink::Head> findHeads(
        const std::vector<const SqlSink::Row*>& rows) override {
        std::unordered_map<std::string, SqlSink::Head> heads;
        if (rows.empty()) return heads;
        CopyBuffer& keys = clearedBuffer(0);
        for (const SqlSink::Row* row : rows) {
            keys.field(row->municipality).field(row->sourceSystem).field(row->entity);
            keys.field(row->sourceRecordId).endRow();
        }
        keys.copyInto(connection_,
                      "batch_keys (municipality, source_system, entity, source_record_id)");
        // One look-up in the key index per key, whatever the planner makes of a temporary
        // table: the LIMIT keeps the sub-select from being flattened into a join, which with or
        // without statistics could become a hash join over every key in the store. A retired
        // key (no head seq) keeps its version numbers but no content.
        Result found = execute(connection_,
                               "SELECT h.municipality, h.source_system, h.entity,"
                               " h.source_record_id, h.id, h.version,"
                               " CASE WHEN h.seq IS NULL THEN '' ELSE h.content_hash END,"
                               " COALESCE(h.seq, 0) FROM batch_keys k"
                               " CROSS JOIN LATERAL (SELECT * FROM record_keys h"
                               " WHERE h.municipality = k.municipality"
                               " AND h.source_system = k.source_system AND h.entity = k.entity"
                               " AND h.source_record_id = k.source_record_id LIMIT 1) h",
                               PGRES_TUPLES_OK);
        for (int i = 0; i < PQntuples(found.get()); ++i) {
            SqlSink::Row key;
            key.municipality = PQgetvalue(found.get(), i, 0);
            key.sourceSystem = PQgetvalue(found.get(), i, 1);
            key.entity = PQgetvalue(found.get(), i, 2);
            key.sourceRecordId = PQgetvalue(found.get(), i, 3);
            heads[SqlSink::keyOf(key)] = {std::stoll(PQgetvalue(found.get(), i, 4)),
                                          std::stoll(PQgetvalue(found.get(), i, 5)),
                                          PQgetvalue(found.get(), i, 6),
                                          std::stoll(PQgetvalue(found.get(), i, 7))};
        }
        return heads;
    }

    // One range of numbers, taken under the writer lock: commit order is seq order, and no
    // other writer takes a number while the lock is held.
    Poco::Int64 reserve(SqlSink::Numbering numbering, std::size_t count) override {
        const std::string sequence = numbering == SqlSink::Numbering::VersionSeq
                                         ? "pg_get_serial_sequence('record_versions', 'seq')"
                                         : "pg_get_serial_sequence('record_keys', 'id')";
        Result last = execute(connection_,
                              "SELECT setval(" + sequence + ", nextval(" + sequence + ") + " +
                                  std::to_string(count) + " - 1)",
                              PGRES_TUPLES_OK);
        return std::stoll(PQgetvalue(last.get(), 0, 0)) - static_cast<Poco::Int64>(count) + 1;
    }

    void writeVersions(const std::vector<SqlSink::NewVersion>& versions,
                       const std::vector<SqlSink::MovedHead>& heads) override {
        CopyBuffer &records = clearedBuffer(0), &newKeys = clearedBuffer(1),
                   &movedHeads = clearedBuffer(2);
        for (const auto& version : versions) {
            const SqlSink::Row& row = *version.row;
            records.field(version.seq).field(version.keyId).field(row.entity);
            records.field(version.version);
            if (version.previousSeq != 0) {
                records.field(version.previousSeq);
            } else {
                records.null();
            }
            records.field(row.contentHash).field(transferId_).field(row.recordNumber);
            records.field(row.body).endRow();
        }
        for (const auto& moved : heads) {
            // A key new to the store is copied in; a known one is updated in place. No other
            // writer can add a key meanwhile: the writer lock is held.
            const SqlSink::NewVersion& head = *moved.head;
            const SqlSink::Row& row = *head.row;
            CopyBuffer& target = moved.newKey ? newKeys : movedHeads;
            target.field(head.keyId).field(row.municipality).field(row.sourceSystem);
            target.field(row.entity).field(row.sourceRecordId).field(head.version);
            target.field(row.contentHash).field(head.seq).endRow();
        }
        records.copyInto(connection_,
                         "record_versions (seq, key_id, entity, version, previous_seq,"
                         " content_hash, transfer_id, record_number, body)");
        if (!newKeys.empty()) newKeys.copyInto(connection_, "record_keys");
        if (!movedHeads.empty()) {
            movedHeads.copyInto(connection_, "batch_heads");
            execute(connection_,
                    "INSERT INTO record_keys SELECT * FROM batch_heads"
                    " ON CONFLICT (id) DO UPDATE SET version = excluded.version,"
                    " content_hash = excluded.content_hash, seq = excluded.seq",
                    PGRES_COMMAND_OK);
        }
    }

    void writeRejections(const std::vector<const SqlSink::Quarantined*>& rejections) override {
        CopyBuffer& rows = clearedBuffer(0);
        for (const SqlSink::Quarantined* quarantined : rejections) {
            const Rejection& r = quarantined->rejection;
            rows.field(transferId_).field(r.position.input);
            rows.field(static_cast<Poco::Int64>(r.position.line));
            rows.field(static_cast<Poco::Int64>(r.position.record));
            rows.field(stageName(r.stage)).field(r.rule).field(r.field).field(r.message);
            rows.field(quarantined->sourceFields).endRow();
        }
        rows.copyInto(connection_,
                      "quarantine (transfer_id, input, line, record_number, stage, rule, field,"
                      " message, source_fields)");
    }

  private:
    /// The writer's buffer `which`, emptied. The buffers are kept from batch to batch: a batch's
    /// versions take megabytes, which would otherwise be allocated, faulted in and copied as
    /// they grow, every batch, while the server waits.
    CopyBuffer& clearedBuffer(std::size_t which) {
        buffers_[which].clear();
        return buffers_[which];
    }

    Poco::Int64 transferId_;
    PGconn* connection_;
    std::array<CopyBuffer, 3> buffers_;
};

}  // namespace

PostgresStore::PostgresStore(const std::string& connection, std::size_t schemaVersion)
    : SqlStore(registeredConnector(), connection), connection_(connection) {
    migrate(schemaVersion);
}

std::string PostgresStore::sql(const std::string& text) const {
    std::string numbered;
    numbered.reserve(text.size() + 16);
    int next = 0;
    bool quoted = false;
    for (char c : text) {
        if (c == '\'') quoted = !quoted;
        if (c == '?' && !quoted) {
            numbered += '$' + std::to_string(++next);
        } else {
            numbered += c;
        }
    }
    return numbered;
}

void PostgresStore::configure(Poco::Data::Session& session) {
    // Notices ("relation already exists, skipping") would go to stderr, past the log.
    session << "SET client_min_messages TO WARNING", now;
}

void PostgresStore::beginExclusive(Poco::Data::Session& session) {
    session << "BEGIN", now;
    Poco::Int64 locked = 0;
    session << std::string("SELECT CAST(1 AS BIGINT) FROM pg_advisory_xact_lock(") + kWriterLock +
                   ")",
        into(locked), now;
}

std::unique_ptr<RecordSink> PostgresStore::openSink(std::int64_t transferId) {
    // Its own connection, not the pool's: the sink works on libpq's handle directly.
    return std::make_unique<SqlSink>(
        *this, Poco::Data::Session(Poco::Data::PostgreSQL::Connector::KEY, connection_), transferId,
        [transferId](Poco::Data::Session& session) {
            return std::make_unique<PostgresWriter>(session, transferId);
        });
}

}  // namespace gw
