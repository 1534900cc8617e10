#include "gateway/store/sql_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Logger.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include <string_view>

#include "gateway/core/identity_code.h"
#include "gateway/store/sql_values.h"

using namespace Poco::Data::Keywords;

namespace gw {
namespace {

// Each entry is one schema version; a database remembers which it has in schema_migrations.
const std::vector<std::vector<std::string>>& migrations() {
    static const std::vector<std::vector<std::string>> steps = {
        {
            "CREATE TABLE transfers ("
            " id {serial},"
            " source TEXT NOT NULL, municipality TEXT NOT NULL, input TEXT NOT NULL,"
            " state TEXT NOT NULL, started_at TEXT NOT NULL, finished_at TEXT,"
            " records_read BIGINT NOT NULL DEFAULT 0, records_stored BIGINT NOT NULL DEFAULT 0,"
            " records_unchanged BIGINT NOT NULL DEFAULT 0,"
            " records_rejected BIGINT NOT NULL DEFAULT 0, error TEXT)",
            // seq is the commit order the county's feeds follow.
            "CREATE TABLE records ("
            " seq {serial},"
            " municipality TEXT NOT NULL, source_system TEXT NOT NULL, entity TEXT NOT NULL,"
            " source_record_id TEXT NOT NULL, version BIGINT NOT NULL,"
            " content_hash TEXT NOT NULL, transfer_id BIGINT NOT NULL REFERENCES transfers(id),"
            " body TEXT NOT NULL,"
            " UNIQUE (municipality, source_system, entity, source_record_id, version))",
            "CREATE TABLE quarantine ("
            " id {serial},"
            " transfer_id BIGINT NOT NULL REFERENCES transfers(id),"
            " input TEXT NOT NULL, line BIGINT NOT NULL, record_number BIGINT NOT NULL,"
            " stage TEXT NOT NULL, rule TEXT NOT NULL, field TEXT NOT NULL, message TEXT NOT NULL,"
            " source_fields TEXT NOT NULL)",
            "CREATE INDEX quarantine_by_transfer ON quarantine (transfer_id, id)",
        },
        {
            "ALTER TABLE transfers ADD COLUMN instance TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE transfers ADD COLUMN digest TEXT NOT NULL DEFAULT ''",
            // Which source record of its transfer a regional record was made from.
            "ALTER TABLE records ADD COLUMN record_number BIGINT NOT NULL DEFAULT 0",
            // The newest version of every record, so that writers find it by key at once.
            "CREATE TABLE record_heads ("
            " municipality TEXT NOT NULL, source_system TEXT NOT NULL, entity TEXT NOT NULL,"
            " source_record_id TEXT NOT NULL, version BIGINT NOT NULL,"
            " content_hash TEXT NOT NULL, seq BIGINT NOT NULL,"
            " PRIMARY KEY (municipality, source_system, entity, source_record_id))",
            "INSERT INTO record_heads SELECT municipality, source_system, entity,"
            " source_record_id, version, content_hash, seq FROM records r"
            " WHERE version = (SELECT MAX(version) FROM records n"
            " WHERE n.municipality = r.municipality AND n.source_system = r.source_system"
            " AND n.entity = r.entity AND n.source_record_id = r.source_record_id)",
            "CREATE INDEX record_heads_by_entity ON record_heads (entity, seq)",
            "CREATE INDEX record_heads_by_municipality ON record_heads (municipality, seq)",
            "CREATE UNIQUE INDEX record_heads_by_seq ON record_heads (seq)",
            "CREATE INDEX records_by_entity ON records (entity, seq)",
            "CREATE INDEX records_by_transfer ON records (transfer_id, record_number)",
            "CREATE INDEX transfers_by_state ON transfers (state, id)",
            "CREATE TABLE feed_reads ("
            " id {serial}, read_at TEXT NOT NULL, reader TEXT NOT NULL, entity TEXT NOT NULL,"
            " view TEXT NOT NULL, after_seq BIGINT NOT NULL, last_seq BIGINT NOT NULL,"
            " record_count BIGINT NOT NULL)",
        },
        {
            "CREATE TABLE source_watermarks (source TEXT PRIMARY KEY, watermark TEXT NOT NULL,"
            " updated_at TEXT NOT NULL)",
        },
        {
            // Every index is written with every record: these two were for look-ups that the
            // heads' key serves as well (reconciliation's current records and digest).
            "DROP INDEX record_heads_by_seq",
            "DROP INDEX record_heads_by_municipality",
        },
        {
            // What the store keeps about itself: the fingerprint of the regional key.
            "CREATE TABLE store_settings (name TEXT PRIMARY KEY, value TEXT NOT NULL)",
            // Every attempt to read personal data is audited: who, from where, what, outcome.
            "ALTER TABLE feed_reads ADD COLUMN client_address TEXT NOT NULL DEFAULT ''",
            "ALTER TABLE feed_reads ADD COLUMN status BIGINT NOT NULL DEFAULT 200",
            "ALTER TABLE feed_reads ADD COLUMN resource TEXT NOT NULL DEFAULT ''",
            // A transfer that succeeded but looks wrong says so (an input with no records).
            "ALTER TABLE transfers ADD COLUMN warning TEXT NOT NULL DEFAULT ''",
        },
        {
            // A re-run after a mapping fix names the transfer whose input it reads again, and
            // every transfer the mapping version it ran with, for the change report.
            "ALTER TABLE transfers ADD COLUMN reprocess_of BIGINT",
            "ALTER TABLE transfers ADD COLUMN mapping_version TEXT NOT NULL DEFAULT ''",
            // Kept inputs hold personal data and are deleted after archive.keepDays: each
            // deletion is on record, so that a re-run refused for it can say when and why.
            "CREATE TABLE input_deletions (path TEXT NOT NULL, deleted_at TEXT NOT NULL,"
            " reason TEXT NOT NULL)",
            "CREATE INDEX input_deletions_by_path ON input_deletions (path)",
            // A municipality frozen at its cut-over, with the certificate signed then; unfrozen
            // when unfrozen_at is set, which invalidates the certificate. The history stays.
            "CREATE TABLE municipality_freezes (id {serial}, municipality TEXT NOT NULL,"
            " frozen_at TEXT NOT NULL, frozen_by TEXT NOT NULL, certificate TEXT NOT NULL,"
            " signature TEXT NOT NULL, unfrozen_at TEXT, unfrozen_by TEXT)",
            "CREATE INDEX municipality_freezes_by_municipality ON municipality_freezes"
            " (municipality, id)",
        },
        {
            // The transfer list filtered by municipality or source, and the cut-over board's
            // newest transfer of each municipality, without reading the whole log.
            "CREATE INDEX transfers_by_municipality ON transfers (municipality, id)",
            "CREATE INDEX transfers_by_source ON transfers (source, id)",
        },
        {
            // A layout for bulk loading. A record key's four texts are written and indexed once,
            // in record_keys, which numbers the key and holds its head: the newest version, with
            // seq NULL once the key is retired. A version names its key by that number and the
            // version it replaces by seq, so records no longer carry an index on five texts.
            "CREATE TABLE record_keys (id {serial},"
            " municipality TEXT NOT NULL, source_system TEXT NOT NULL, entity TEXT NOT NULL,"
            " source_record_id TEXT NOT NULL, version BIGINT NOT NULL,"
            " content_hash TEXT NOT NULL, seq BIGINT)",
            // Every key ever stored, retired ones (versions but no head) included.
            "INSERT INTO record_keys (municipality, source_system, entity, source_record_id,"
            " version, content_hash, seq)"
            " SELECT r.municipality, r.source_system, r.entity, r.source_record_id, r.version,"
            " r.content_hash, h.seq FROM records r LEFT JOIN record_heads h"
            " ON h.municipality = r.municipality AND h.source_system = r.source_system"
            " AND h.entity = r.entity AND h.source_record_id = r.source_record_id"
            " WHERE r.version = (SELECT MAX(n.version) FROM records n"
            " WHERE n.municipality = r.municipality AND n.source_system = r.source_system"
            " AND n.entity = r.entity AND n.source_record_id = r.source_record_id)"
            " ORDER BY r.seq",
            // The id first: it tells nearly every two keys apart, so an insert or a look-up
            // compares one text where the municipality first would compare four.
            "CREATE UNIQUE INDEX record_keys_by_key ON record_keys"
            " (source_record_id, entity, source_system, municipality)",
            "CREATE TABLE record_versions (seq {serial}, key_id BIGINT NOT NULL,"
            " entity TEXT NOT NULL, version BIGINT NOT NULL, previous_seq BIGINT,"
            " content_hash TEXT NOT NULL, transfer_id BIGINT NOT NULL REFERENCES transfers(id),"
            " record_number BIGINT NOT NULL, body TEXT NOT NULL)",
            "INSERT INTO record_versions (seq, key_id, entity, version, previous_seq,"
            " content_hash, transfer_id, record_number, body)"
            " SELECT r.seq, k.id, r.entity, r.version, p.seq, r.content_hash, r.transfer_id,"
            " r.record_number, r.body FROM records r JOIN record_keys k"
            " ON k.municipality = r.municipality AND k.source_system = r.source_system"
            " AND k.entity = r.entity AND k.source_record_id = r.source_record_id"
            " LEFT JOIN records p ON p.municipality = r.municipality"
            " AND p.source_system = r.source_system AND p.entity = r.entity"
            " AND p.source_record_id = r.source_record_id AND p.version = r.version - 1"
            " ORDER BY r.seq",
            "{continue numbering record_keys.id}",
            "{continue numbering record_versions.seq}",
            "DROP TABLE record_heads",
            "DROP TABLE records",
            // The current records of an entity (feeds' current scans, FHIR), its versions in
            // commit order (feeds), and a transfer's versions (reconciliation, change reports).
            "CREATE INDEX record_keys_by_entity ON record_keys (entity, seq)",
            "CREATE INDEX record_versions_by_entity ON record_versions (entity, seq)",
            "CREATE INDEX record_versions_by_transfer ON record_versions"
            " (transfer_id, record_number)",
            // The former tables' rows, for queries written against them.
            "CREATE VIEW records AS SELECT v.seq, k.municipality, k.source_system, k.entity,"
            " k.source_record_id, v.version, v.content_hash, v.transfer_id, v.body,"
            " v.record_number FROM record_versions v JOIN record_keys k ON k.id = v.key_id",
            "CREATE VIEW record_heads AS SELECT municipality, source_system, entity,"
            " source_record_id, version, content_hash, seq FROM record_keys"
            " WHERE seq IS NOT NULL",
        },
    };
    return steps;
}

// Marks a migration statement that makes a table's auto-numbered column continue after the
// rows copied into it with their numbers.
constexpr std::string_view kContinueNumbering = "{continue numbering ";

}  // namespace

SqlStore::SqlStore(const std::string& connector, const std::string& connection)
    : pool_(connector, connection, 1, 16, 60) {}

void SqlStore::noteLocked(std::chrono::milliseconds pause) {
    Poco::Logger::get("gateway.store")
        .warning("the database is locked by another writer; trying again in " +
                 std::to_string(pause.count()) + " ms");
}

Poco::Data::Session SqlStore::session() {
    Poco::Data::Session session = pool_.get();
    configure(session);
    return session;
}

std::size_t SqlStore::schemaVersion() {
    return migrations().size();
}

void SqlStore::migrate(std::size_t target) {
    auto s = session();
    beginExclusive(s);  // two instances starting at once must not both apply a migration
    try {
        s << "CREATE TABLE IF NOT EXISTS schema_migrations"
             " (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
            now;
        Poco::Int64 current = 0;
        s << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", into(current), now;
        const auto& steps = migrations();
        for (auto version = current + 1; version <= static_cast<Poco::Int64>(target); ++version) {
            for (auto statement : steps[static_cast<std::size_t>(version - 1)]) {
                if (statement.rfind(kContinueNumbering, 0) == 0) {
                    // "{continue numbering table.column}"
                    auto column =
                        statement.substr(kContinueNumbering.size(),
                                         statement.size() - kContinueNumbering.size() - 1);
                    auto dot = column.find('.');
                    statement = continueNumbering(column.substr(0, dot), column.substr(dot + 1));
                    if (statement.empty()) continue;
                }
                Poco::replaceInPlace(statement, std::string("{serial}"), serialType());
                s << statement, now;
            }
            std::string applied = utcNow();
            s << sql("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"),
                use(version), use(applied), now;
        }
        s << "COMMIT", now;
    } catch (...) {
        s << "ROLLBACK", now;
        throw;
    }
}

std::string SqlStore::setting(const std::string& name) {
    auto s = session();
    std::string boundName = name;
    std::vector<std::string> values;
    s << sql("SELECT value FROM store_settings WHERE name = ?"), use(boundName), into(values), now;
    return values.empty() ? "" : values.front();
}

void SqlStore::setSetting(const std::string& name, const std::string& value) {
    // Another writer holding the database is waited for, not a failure.
    whileLocked([&] {
        auto s = session();
        std::string boundName = name, boundValue = value;
        s << sql(
            "INSERT INTO store_settings (name, value) VALUES (?, ?)"
            " ON CONFLICT (name) DO UPDATE SET value = excluded.value"),
            use(boundName), use(boundValue), now;
    });
}

}  // namespace gw
