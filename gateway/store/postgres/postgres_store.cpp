#include "gateway/store/postgres/postgres_store.h"

#include <Poco/Data/PostgreSQL/Connector.h>
#include <Poco/Data/PostgreSQL/SessionImpl.h>
#include <libpq-fe.h>

#include <memory>
#include <stdexcept>
#include <unordered_map>

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
    CopyBuffer& field(const std::string& value) {
        if (!lineStart_) text_ += '\t';
        lineStart_ = false;
        for (char c : value) {
            switch (c) {
                case '\\':
                    text_ += "\\\\";
                    break;
                case '\t':
                    text_ += "\\t";
                    break;
                case '\n':
                    text_ += "\\n";
                    break;
                case '\r':
                    text_ += "\\r";
                    break;
                default:
                    text_ += c;
            }
        }
        return *this;
    }
    CopyBuffer& field(Poco::Int64 value) { return field(std::to_string(value)); }
    void endRow() {
        text_ += '\n';
        lineStart_ = true;
    }
    bool empty() const { return text_.empty(); }

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
    std::string text_;
    bool lineStart_ = true;
};

std::string keyOf(const std::string& municipality, const std::string& sourceSystem,
                  const std::string& entity, const std::string& sourceRecordId) {
    return municipality + '\x1f' + sourceSystem + '\x1f' + entity + '\x1f' + sourceRecordId;
}

/// Writes each batch set-based: the heads of the batch's keys in one query, then the new
/// versions, the new heads and the rejections each in one COPY, and the changed heads in one
/// upsert.
class PostgresWriter : public SqlSink::Writer {
    using Row = SqlSink::Row;

  public:
    PostgresWriter(Poco::Data::Session& session, std::int64_t transferId)
        : transferId_(transferId),
          connection_(static_cast<Poco::Data::PostgreSQL::SessionImpl*>(session.impl())->handle()) {
        execute(connection_,
                "CREATE TEMPORARY TABLE batch_keys (municipality TEXT, source_system TEXT,"
                " entity TEXT, source_record_id TEXT) ON COMMIT DELETE ROWS",
                PGRES_COMMAND_OK);
        execute(connection_,
                "CREATE TEMPORARY TABLE batch_heads (LIKE record_heads) ON COMMIT DELETE ROWS",
                PGRES_COMMAND_OK);
    }

    void begin() override {
        execute(connection_, "BEGIN", PGRES_COMMAND_OK);
        execute(connection_, std::string("SELECT pg_advisory_xact_lock(") + kWriterLock + ")",
                PGRES_TUPLES_OK);
    }

    void persist(std::vector<SqlSink::Item>& batch) override {
        struct Head {
            Poco::Int64 version = 0;
            std::string contentHash;
            Poco::Int64 seq = 0;
            const Row* row = nullptr;  // set when this batch wrote the head
            bool inStore = false;      // the store had the key before this batch
        };
        std::unordered_map<std::string, Head> heads;

        CopyBuffer keys;
        for (const auto& item : batch) {
            for (const auto& row : item.rows) {
                auto inserted = heads.try_emplace(
                    keyOf(row.municipality, row.sourceSystem, row.entity, row.sourceRecordId));
                if (inserted.second) {
                    keys.field(row.municipality).field(row.sourceSystem).field(row.entity);
                    keys.field(row.sourceRecordId).endRow();
                }
            }
        }
        if (!keys.empty()) {
            keys.copyInto(connection_,
                          "batch_keys (municipality, source_system, entity, source_record_id)");
            // One primary-key look-up per key, whatever the planner makes of a temporary table:
            // the LIMIT keeps the sub-select from being flattened into a join, which with or
            // without statistics could become a hash join over every head in the store.
            Result found =
                execute(connection_,
                        "SELECT h.municipality, h.source_system, h.entity, h.source_record_id,"
                        " h.version, h.content_hash FROM batch_keys k CROSS JOIN LATERAL"
                        " (SELECT * FROM record_heads h WHERE h.municipality = k.municipality"
                        " AND h.source_system = k.source_system AND h.entity = k.entity"
                        " AND h.source_record_id = k.source_record_id LIMIT 1) h",
                        PGRES_TUPLES_OK);
            for (int i = 0; i < PQntuples(found.get()); ++i) {
                Head& head =
                    heads[keyOf(PQgetvalue(found.get(), i, 0), PQgetvalue(found.get(), i, 1),
                                PQgetvalue(found.get(), i, 2), PQgetvalue(found.get(), i, 3))];
                head.inStore = true;
                head.version = std::stoll(PQgetvalue(found.get(), i, 4));
                head.contentHash = PQgetvalue(found.get(), i, 5);
            }
        }

        // Decide in read order, so that a key twice in one batch sees its earlier version.
        struct Change {
            const Row* row;
            Head* head;
            Poco::Int64 version;
        };
        std::vector<Change> changes;
        for (auto& item : batch) {
            for (auto& row : item.rows) {
                Head& head = heads.at(
                    keyOf(row.municipality, row.sourceSystem, row.entity, row.sourceRecordId));
                if (head.version != 0 && head.contentHash == row.contentHash) continue;
                row.stored = true;
                head.contentHash = row.contentHash;
                head.row = &row;
                changes.push_back({&row, &head, ++head.version});
            }
        }

        CopyBuffer records;
        if (!changes.empty()) {
            // One range of numbers, taken under the writer lock: commit order is seq order, and
            // no other writer takes a number while the lock is held.
            const std::string count = std::to_string(changes.size());
            Result last = execute(connection_,
                                  "SELECT setval(pg_get_serial_sequence('records', 'seq'),"
                                  " nextval(pg_get_serial_sequence('records', 'seq')) + " +
                                      count + " - 1)",
                                  PGRES_TUPLES_OK);
            const Poco::Int64 first = std::stoll(PQgetvalue(last.get(), 0, 0)) -
                                      static_cast<Poco::Int64>(changes.size()) + 1;
            for (std::size_t i = 0; i < changes.size(); ++i) {
                const Row& row = *changes[i].row;
                Poco::Int64 seq = first + static_cast<Poco::Int64>(i);
                if (changes[i].head->row == &row) changes[i].head->seq = seq;
                records.field(seq).field(row.municipality).field(row.sourceSystem);
                records.field(row.entity).field(row.sourceRecordId).field(changes[i].version);
                records.field(row.contentHash).field(transferId_).field(row.recordNumber);
                records.field(row.body).endRow();
            }
            records.copyInto(connection_,
                             "records (seq, municipality, source_system, entity,"
                             " source_record_id, version, content_hash, transfer_id,"
                             " record_number, body)");

            // A key new to the store is copied in; a changed one is updated in place. No other
            // writer can add a key meanwhile: the writer lock is held.
            CopyBuffer newHeads, changedHeads;
            for (const auto& [key, head] : heads) {
                if (!head.row) continue;
                CopyBuffer& into = head.inStore ? changedHeads : newHeads;
                into.field(head.row->municipality).field(head.row->sourceSystem);
                into.field(head.row->entity).field(head.row->sourceRecordId);
                into.field(head.version).field(head.contentHash).field(head.seq).endRow();
            }
            if (!newHeads.empty()) newHeads.copyInto(connection_, "record_heads");
            if (!changedHeads.empty()) {
                changedHeads.copyInto(connection_, "batch_heads");
                execute(connection_,
                        "INSERT INTO record_heads SELECT * FROM batch_heads"
                        " ON CONFLICT (municipality, source_system, entity, source_record_id)"
                        " DO UPDATE SET version = excluded.version,"
                        " content_hash = excluded.content_hash, seq = excluded.seq",
                        PGRES_COMMAND_OK);
            }
        }

        CopyBuffer rejections;
        for (const auto& item : batch) {
            if (!item.rejection) continue;
            const Rejection& r = item.rejection->rejection;
            rejections.field(transferId_).field(r.position.input);
            rejections.field(static_cast<Poco::Int64>(r.position.line));
            rejections.field(static_cast<Poco::Int64>(r.position.record));
            rejections.field(stageName(r.stage)).field(r.rule).field(r.field).field(r.message);
            rejections.field(item.rejection->sourceFields).endRow();
        }
        if (!rejections.empty()) {
            rejections.copyInto(connection_,
                                "quarantine (transfer_id, input, line, record_number, stage,"
                                " rule, field, message, source_fields)");
        }
    }

  private:
    Poco::Int64 transferId_;
    PGconn* connection_;
};

}  // namespace

PostgresStore::PostgresStore(const std::string& connection)
    : SqlStore(registeredConnector(), connection), connection_(connection) {
    migrate();
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
