// Measures a store backend's own limit for the rows a transfer stores, with no gateway code on
// the write path: the regional records that `gatewayctl map` wrote (NDJSON) go into a fresh store
// of the layout issue 17 measures against, schema version 7 (records and record_heads, made by the
// gateway's own migrations, with a transfer row for them), the way a plain program would write
// them.
//   - sqlite: prepared statements through the sqlite3 C API, in transactions of the gateway's
//     batch size, WAL and synchronous=FULL as the gateway runs it, each record's head looked up
//     first: a record whose key has a version with the same content hash is not stored again.
//   - postgresql: one COPY of the same rows into the records table through libpq (the key's
//     repeats with the same hash left out, as the gateway leaves them out).
// Prints one JSON line: regional records read and stored, seconds, stored records per second.
//
//   store_limit BACKEND CONNECTION RECORDS.ndjson
#include <libpq-fe.h>
#include <sqlite3.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <unordered_map>
#include <vector>

#include "gateway/core/errors.h"
#include "gateway/store/postgres/copy_text.h"
#include "gateway/store/postgres/postgres_store.h"
#include "gateway/store/sqlite/prepared_statement.h"
#include "gateway/store/sqlite/sqlite_store.h"
#include "regional_ndjson.h"

namespace {

std::string keyOf(const gw::RegionalRecord& record) {
    return record.provenance.sourceMunicipality + '\n' + record.provenance.sourceSystem + '\n' +
           record.entity + '\n' + record.sourceRecordId;
}

/// A connection with the durability the gateway's SQLite store runs with.
class Sqlite {
  public:
    explicit Sqlite(const std::string& path) {
        check(sqlite3_open(path.c_str(), &db_));
        run("PRAGMA journal_mode = WAL");
        run("PRAGMA synchronous = FULL");
        run("PRAGMA cache_size = -32768");
        run("PRAGMA wal_autocheckpoint = 10000");
    }
    ~Sqlite() { sqlite3_close(db_); }

    sqlite3* handle() const { return db_; }
    void run(const char* sql) { check(sqlite3_exec(db_, sql, nullptr, nullptr, nullptr)); }
    long long lastRowid() const { return sqlite3_last_insert_rowid(db_); }

  private:
    void check(int rc) const {
        if (rc != SQLITE_OK) throw gw::InputError(std::string("sqlite: ") + sqlite3_errmsg(db_));
    }

    sqlite3* db_ = nullptr;
};

std::uint64_t storeInSqlite(const std::string& path, std::int64_t transfer, std::ifstream& input,
                            std::size_t batchSize, std::uint64_t& read) {
    Sqlite db(path);
    gw::PreparedStatement findHead(
        db.handle(),
        "SELECT version, content_hash FROM record_heads WHERE municipality = ? AND"
        " source_system = ? AND entity = ? AND source_record_id = ?");
    gw::PreparedStatement insertRecord(
        db.handle(),
        "INSERT INTO records (municipality, source_system, entity, source_record_id, version,"
        " content_hash, transfer_id, record_number, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)");
    gw::PreparedStatement upsertHead(
        db.handle(),
        "INSERT INTO record_heads (municipality, source_system, entity, source_record_id,"
        " version, content_hash, seq) VALUES (?, ?, ?, ?, ?, ?, ?)"
        " ON CONFLICT (municipality, source_system, entity, source_record_id)"
        " DO UPDATE SET version = excluded.version, content_hash = excluded.content_hash,"
        " seq = excluded.seq");
    auto bindKey = [](gw::PreparedStatement& statement, const gw::RegionalRecord& record) {
        statement.bind(1, record.provenance.sourceMunicipality)
            .bind(2, record.provenance.sourceSystem)
            .bind(3, record.entity)
            .bind(4, record.sourceRecordId);
    };
    std::uint64_t stored = 0, inBatch = 0;
    Poco::Int64 lastSource = -1;
    db.run("BEGIN IMMEDIATE");
    for (std::string line; std::getline(input, line);) {
        gw::RegionalRecord record = gw::bench::regionalRecordOf(std::move(line));
        const auto source = static_cast<Poco::Int64>(record.provenance.record);
        ++read;
        // Committed every batchSize source records, as the gateway's sink commits.
        if (source != lastSource && ++inBatch > batchSize) {
            db.run("COMMIT");
            db.run("BEGIN IMMEDIATE");
            inBatch = 1;
        }
        lastSource = source;
        bindKey(findHead, record);
        Poco::Int64 version = 1;
        if (findHead.step()) {
            version = findHead.integer(0) + 1;
            if (findHead.text(1) == record.provenance.contentHash) {
                findHead.reset();
                continue;
            }
        }
        findHead.reset();
        bindKey(insertRecord, record);
        insertRecord.bind(5, version).bind(6, record.provenance.contentHash);
        insertRecord.bind(7, transfer).bind(8, source).bind(9, record.text);
        insertRecord.step();
        insertRecord.reset();
        bindKey(upsertHead, record);
        upsertHead.bind(5, version).bind(6, record.provenance.contentHash);
        upsertHead.bind(7, db.lastRowid());
        upsertHead.step();
        upsertHead.reset();
        ++stored;
    }
    db.run("COMMIT");
    return stored;
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
        gw::RegionalRecord record = gw::bench::regionalRecordOf(std::move(line));
        ++read;
        auto [head, added] = hashes.emplace(keyOf(record), record.provenance.contentHash);
        if (!added) continue;  // a key seen before: the bench's exports repeat only unchanged ones
        for (const auto* field :
             {&record.provenance.sourceMunicipality, &record.provenance.sourceSystem,
              &record.entity, &record.sourceRecordId}) {
            gw::appendCopyField(buffer, *field);
            buffer += '\t';
        }
        buffer += "1\t";
        gw::appendCopyField(buffer, record.provenance.contentHash);
        buffer += '\t' + std::to_string(transfer) + '\t' +
                  std::to_string(record.provenance.record) + '\t';
        gw::appendCopyField(buffer, record.text);
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
        // That layout and a transfer for the rows, as the gateway would make them.
        constexpr std::size_t kLayoutMeasuredAgainst = 7;
        std::unique_ptr<gw::Store> store;
        if (backend == "sqlite") {
            store = std::make_unique<gw::SqliteStore>(connection, kLayoutMeasuredAgainst);
        } else {
            store = std::make_unique<gw::PostgresStore>(connection, kLayoutMeasuredAgainst);
        }
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
        std::string how = backend == "sqlite" ? "sqlite3 C API" : "COPY into records";
        how += ", layout of schema version 7 (store_limit)";
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
