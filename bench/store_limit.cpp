// Measures a store backend's own limit for the rows a transfer stores, with no gateway code on
// the write path: the regional records that `gatewayctl map` wrote (NDJSON) go into a fresh store
// of the gateway's current layout (made by its migrations, with a transfer row for them), the
// way a plain program would write them.
//   - sqlite: prepared statements through the sqlite3 C API, in transactions of the gateway's
//     batch size, WAL and synchronous=FULL as the gateway runs it, each record's head looked up
//     first: a record whose key has a version with the same content hash is not stored again.
//   - postgresql: one COPY of the same rows into the records table through libpq (the key's
//     repeats with the same hash left out, as the gateway leaves them out).
// Prints one JSON line: regional records read and stored, seconds, stored records per second.
//
//   store_limit BACKEND CONNECTION RECORDS.ndjson
#include <libpq-fe.h>
#include <rapidjson/document.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/core/errors.h"
#include "gateway/store/store_registry.h"

namespace {

/// A regional record as the stores key it, with its stored text.
struct Row {
    std::string municipality, sourceSystem, entity, sourceRecordId, contentHash, body;
    long long recordNumber = 0;
};

Row rowOf(std::string line) {
    rapidjson::Document document;
    document.Parse(line.c_str(), line.size());
    if (document.HasParseError() || !document.IsObject() || !document.HasMember("provenance"))
        throw gw::InputError("not a regional record as gatewayctl map writes them");
    const auto& provenance = document["provenance"];
    Row row{provenance["sourceMunicipality"].GetString(),
            provenance["sourceSystem"].GetString(),
            document["entity"].GetString(),
            provenance["sourceRecordId"].GetString(),
            provenance["contentHash"].GetString(),
            std::move(line),
            provenance["record"].GetInt64()};
    return row;
}

std::string keyOf(const Row& row) {
    return row.municipality + '\n' + row.sourceSystem + '\n' + row.entity + '\n' +
           row.sourceRecordId;
}

class Sqlite {
  public:
    explicit Sqlite(const std::string& path) {
        check(sqlite3_open(path.c_str(), &db_));
        run("PRAGMA journal_mode = WAL");
        run("PRAGMA synchronous = FULL");
        run("PRAGMA cache_size = -32768");
        run("PRAGMA wal_autocheckpoint = 10000");
    }
    ~Sqlite() {
        for (auto* statement : statements_) sqlite3_finalize(statement);
        sqlite3_close(db_);
    }

    void run(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr)); }
    sqlite3_stmt* prepare(const char* sql) {
        sqlite3_stmt* statement = nullptr;
        check(sqlite3_prepare_v2(db_, sql, -1, &statement, nullptr));
        statements_.push_back(statement);
        return statement;
    }
    void text(sqlite3_stmt* statement, int at, const std::string& value) {
        check(sqlite3_bind_text(statement, at, value.data(), static_cast<int>(value.size()),
                                SQLITE_STATIC));
    }
    void integer(sqlite3_stmt* statement, int at, long long value) {
        check(sqlite3_bind_int64(statement, at, value));
    }
    /// Steps once; true when a row came back.
    bool step(sqlite3_stmt* statement) {
        int rc = sqlite3_step(statement);
        if (rc != SQLITE_ROW && rc != SQLITE_DONE) check(rc);
        return rc == SQLITE_ROW;
    }
    void reset(sqlite3_stmt* statement) {
        sqlite3_reset(statement);
        sqlite3_clear_bindings(statement);
    }
    long long lastRowid() const { return sqlite3_last_insert_rowid(db_); }

  private:
    void check(int rc) const {
        if (rc != SQLITE_OK) throw gw::InputError(std::string("sqlite: ") + sqlite3_errmsg(db_));
    }

    sqlite3* db_ = nullptr;
    std::vector<sqlite3_stmt*> statements_;
};

std::uint64_t storeInSqlite(const std::string& path, std::int64_t transfer, std::ifstream& input,
                            std::size_t batchSize, std::uint64_t& read) {
    Sqlite db(path);
    auto* findHead = db.prepare(
        "SELECT version, content_hash FROM record_heads WHERE municipality = ? AND"
        " source_system = ? AND entity = ? AND source_record_id = ?");
    auto* insertRecord = db.prepare(
        "INSERT INTO records (municipality, source_system, entity, source_record_id, version,"
        " content_hash, transfer_id, record_number, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    auto* upsertHead = db.prepare(
        "INSERT INTO record_heads (municipality, source_system, entity, source_record_id,"
        " version, content_hash, seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (municipality, source_system, entity, source_record_id)"
        " DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash,"
        " seq = excluded.seq");
    auto bindKey = [&](sqlite3_stmt* statement, const Row& row) {
        db.text(statement, 1, row.municipality);
        db.text(statement, 2, row.sourceSystem);
        db.text(statement, 3, row.entity);
        db.text(statement, 4, row.sourceRecordId);
    };
    std::uint64_t stored = 0, inBatch = 0;
    long long lastSource = -1;
    db.run("BEGIN IMMEDIATE");
    for (std::string line; std::getline(input, line);) {
        Row row = rowOf(std::move(line));
        ++read;
        // Committed every batchSize source records, as the gateway's sink commits.
        if (row.recordNumber != lastSource && ++inBatch > batchSize) {
            db.run("COMMIT");
            db.run("BEGIN IMMEDIATE");
            inBatch = 1;
        }
        lastSource = row.recordNumber;
        bindKey(findHead, row);
        long long version = 1;
        if (db.step(findHead)) {
            std::string hash(reinterpret_cast<const char*>(sqlite3_column_text(findHead, 1)));
            version = sqlite3_column_int64(findHead, 0) + 1;
            if (hash == row.contentHash) {
                db.reset(findHead);
                continue;
            }
        }
        db.reset(findHead);
        bindKey(insertRecord, row);
        db.integer(insertRecord, 5, version);
        db.text(insertRecord, 6, row.contentHash);
        db.integer(insertRecord, 7, transfer);
        db.integer(insertRecord, 8, row.recordNumber);
        db.text(insertRecord, 9, row.body);
        db.step(insertRecord);
        db.reset(insertRecord);
        bindKey(upsertHead, row);
        db.integer(upsertHead, 5, version);
        db.text(upsertHead, 6, row.contentHash);
        db.integer(upsertHead, 7, db.lastRowid());
        db.step(upsertHead);
        db.reset(upsertHead);
        ++stored;
    }
    db.run("COMMIT");
    return stored;
}

// COPY's text format: backslash, tab, newline and carriage return escaped.
void appendCopyField(std::string& out, const std::string& value) {
    for (char c : value) {
        switch (c) {
            case '\\':
                out += "\\\\";
                break;
            case '\t':
                out += "\\t";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\r':
                out += "\\r";
                break;
            default:
                out += c;
        }
    }
}

std::uint64_t copyIntoPostgres(const std::string& connection, std::int64_t transfer,
                               std::ifstream& input, std::uint64_t& read) {
    PGconn* db = PQconnectdb(connection.c_str());
    auto fail = [&](const std::string& what) {
        std::string message = what + ": " + PQerrorMessage(db);
        PQfinish(db);
        throw gw::InputError("postgresql: " + message);
    };
    if (PQstatus(db) != CONNECTION_OK) fail("connect");
    auto exec = [&](const char* sql, ExecStatusType expected) {
        PGresult* result = PQexec(db, sql);
        bool ok = PQresultStatus(result) == expected;
        PQclear(result);
        if (!ok) fail(sql);
    };
    exec("BEGIN", PGRES_COMMAND_OK);
    exec(
        "COPY records (municipality, source_system, entity, source_record_id, version,"
        " content_hash, transfer_id, record_number, body) FROM STDIN",
        PGRES_COPY_IN);
    std::unordered_map<std::string, std::string> hashes;  // by key: the gateway's heads
    std::uint64_t stored = 0;
    std::string buffer;
    for (std::string line; std::getline(input, line);) {
        Row row = rowOf(std::move(line));
        ++read;
        auto [head, added] = hashes.emplace(keyOf(row), row.contentHash);
        if (!added) continue;  // a key seen before: the bench's exports repeat only unchanged ones
        for (const auto* field :
             {&row.municipality, &row.sourceSystem, &row.entity, &row.sourceRecordId}) {
            appendCopyField(buffer, *field);
            buffer += '\t';
        }
        buffer += "1\t";
        appendCopyField(buffer, row.contentHash);
        buffer += '\t' + std::to_string(transfer) + '\t' + std::to_string(row.recordNumber) + '\t';
        appendCopyField(buffer, row.body);
        buffer += '\n';
        ++stored;
        if (buffer.size() > (1 << 20)) {
            if (PQputCopyData(db, buffer.data(), static_cast<int>(buffer.size())) != 1)
                fail("COPY");
            buffer.clear();
        }
    }
    if (PQputCopyData(db, buffer.data(), static_cast<int>(buffer.size())) != 1 ||
        PQputCopyEnd(db, nullptr) != 1)
        fail("COPY");
    PGresult* result = PQgetResult(db);
    bool ok = PQresultStatus(result) == PGRES_COMMAND_OK;
    PQclear(result);
    if (!ok) fail("COPY");
    exec("COMMIT", PGRES_COMMAND_OK);
    PQfinish(db);
    return stored;
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: store_limit BACKEND CONNECTION RECORDS.ndjson\n";
        return 2;
    }
    try {
        const std::string backend = argv[1], connection = argv[2];
        std::ifstream input(argv[3], std::ios::binary);
        if (!input) throw gw::InputError(std::string("cannot open ") + argv[3]);
        // The gateway's own layout and a transfer for the rows, as the gateway would make them.
        auto store = gw::builtinStores().open(backend, connection);
        std::int64_t transfer = store->beginTransfer("bench", "", argv[3], "store_limit");
        std::size_t batchSize = store->batchSize();
        store.reset();

        auto started = std::chrono::steady_clock::now();
        std::uint64_t read = 0;
        std::uint64_t stored = backend == "sqlite"
                                   ? storeInSqlite(connection, transfer, input, batchSize, read)
                                   : copyIntoPostgres(connection, transfer, input, read);
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        std::string how = backend == "sqlite" ? "sqlite3 C API, today's layout (store_limit)"
                                              : "COPY into records (store_limit)";
        std::cout << nlohmann::json{{"run", backend + ": the store's own limit, " + how},
                                    {"regionalRecordsRead", read},
                                    {"regionalRecordsStored", stored},
                                    {"seconds", seconds},
                                    {"regionalRecordsPerSecond", stored / seconds}}
                         .dump()
                  << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "store_limit: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
