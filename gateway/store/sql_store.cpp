#include "gateway/store/sql_store.h"

#include <Poco/Data/RecordSet.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/DateTimeParser.h>
#include <Poco/Logger.h>
#include <Poco/String.h>
#include <Poco/Timestamp.h>

#include "gateway/core/identity_code.h"

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
    };
    return steps;
}

Poco::Int64 asInt(std::uint64_t n) {
    return static_cast<Poco::Int64>(n);
}

std::string joined(const std::vector<std::string>& parts) {
    std::string text;
    for (const auto& part : parts) text += (text.empty() ? "" : "; ") + part;
    return text;
}

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

void SqlStore::migrate() {
    auto s = session();
    beginExclusive(s);  // two instances starting at once must not both apply a migration
    try {
        s << "CREATE TABLE IF NOT EXISTS schema_migrations"
             " (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)",
            now;
        Poco::Int64 current = 0;
        s << "SELECT COALESCE(MAX(version), 0) FROM schema_migrations", into(current), now;
        const auto& steps = migrations();
        for (auto version = current + 1; version <= static_cast<Poco::Int64>(steps.size());
             ++version) {
            for (auto statement : steps[static_cast<std::size_t>(version - 1)]) {
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

std::int64_t SqlStore::queueTransfer(const std::string& source, const std::string& municipality,
                                     const std::string& input) {
    {
        // An input already waiting in the queue waits once.
        auto s = session();
        std::string boundSource = source, boundInput = input;
        std::vector<Poco::Int64> queued;
        s << sql(
            "SELECT id FROM transfers WHERE state = 'queued' AND source = ? AND input = ?"
            " LIMIT 1"),
            use(boundSource), use(boundInput), into(queued), now;
        if (!queued.empty()) return queued.front();
    }
    return beginTransfer(source, municipality, input, "");
}

std::int64_t SqlStore::beginTransfer(const std::string& source, const std::string& municipality,
                                     const std::string& input, const std::string& instance) {
    // Another writer holding the database is waited for, not a failure.
    return whileLocked([&] {
        auto s = session();
        std::string started = utcNow(), state = instance.empty() ? "queued" : "running";
        std::string boundSource = source, boundMunicipality = municipality, boundInput = input,
                    boundInstance = instance;
        Poco::Int64 id = 0;
        s << sql(
            "INSERT INTO transfers (source, municipality, input, state, started_at, instance)"
            " VALUES (?, ?, ?, ?, ?, ?) RETURNING id"),
            use(boundSource), use(boundMunicipality), use(boundInput), use(state), use(started),
            use(boundInstance), into(id), now;
        return id;
    });
}

std::optional<TransferInfo> SqlStore::claimTransfer(const std::string& instance) {
    // Another writer holding the database is waited for, not a failure.
    return whileLocked([&]() -> std::optional<TransferInfo> {
        auto s = session();
        std::string started = utcNow(), boundInstance = instance;
        Poco::Int64 id = 0;
        // One statement: the row is taken and marked in one step. A source with a running transfer
        // waits, so one source never runs twice at once on one database.
        Poco::Data::Statement claim(s);
        claim << sql(
            "UPDATE transfers SET state = 'running', instance = ?, started_at = ?"
            " WHERE state = 'queued' AND id = (SELECT id FROM transfers"
            " WHERE state = 'queued' AND source NOT IN"
            " (SELECT source FROM transfers WHERE state = 'running')"
            " ORDER BY id LIMIT 1 " +
            skipLocked() + ") RETURNING id"),
            use(boundInstance), use(started), into(id);
        if (claim.execute() == 0 || id == 0) return std::nullopt;
        return findTransfer(id);
    });
}

void SqlStore::finishTransfer(std::int64_t id, const TransferResult& result) {
    whileLocked([&] { recordEnd(id, result); });
}

void SqlStore::recordEnd(std::int64_t id, const TransferResult& result) {
    Reconciliation durable = reconcileTransfer(id);
    std::string state = result.error ? "failed" : result.interrupted ? "interrupted" : "succeeded";
    std::vector<std::string> problems;
    if (result.error) problems.push_back(*result.error);
    // After an error the pipeline's own count is gone; the durable one stands.
    std::uint64_t read = result.error ? durable.counts.read : result.counts.read;
    if (!result.error && read != durable.counts.read) {
        problems.push_back("reconciliation: read " + std::to_string(read) + " records but " +
                           std::to_string(durable.counts.read) +
                           " were stored, unchanged or rejected");
    }
    for (const auto& problem : durable.problems) problems.push_back(problem);
    if (!problems.empty()) state = "failed";

    auto s = session();
    // What a parser or database said may quote the input: masked like a log line.
    std::string finished = utcNow(), error = maskIdentityCodesIn(joined(problems));
    std::string warning = maskIdentityCodesIn(result.warning.value_or(""));
    Poco::Int64 boundRead = asInt(read), transferId = id;
    s << sql(
        "UPDATE transfers SET state = ?, finished_at = ?, records_read = ?, error = ?,"
        " warning = ? WHERE id = ?"),
        use(state), use(finished), use(boundRead), use(error), use(warning), use(transferId), now;
}

int SqlStore::recoverInterrupted(const std::string& instance) {
    // Another writer holding the database is waited for, not a failure.
    return whileLocked([&] {
        auto s = session();
        std::string finished = utcNow(), boundInstance = instance;
        std::string error =
            "the gateway stopped before the transfer finished; what it committed stays";
        Poco::Data::Statement update(s);
        update << sql(
            "UPDATE transfers SET state = 'interrupted', finished_at = ?, error = ?"
            " WHERE state = 'running' AND instance = ?"),
            use(finished), use(error), use(boundInstance);
        return static_cast<int>(update.execute());
    });
}

std::vector<TransferInfo> SqlStore::listTransfers(std::size_t limit) {
    return queryTransfers("", 0, limit);
}

std::optional<TransferInfo> SqlStore::findTransfer(std::int64_t id) {
    auto found = queryTransfers("WHERE id = ?", id, 1);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::optional<TransferInfo> SqlStore::latestTransferOf(const std::string& source,
                                                       const std::string& input) {
    auto s = session();
    std::string boundSource = source, boundInput = input;
    std::vector<Poco::Int64> ids;
    s << sql("SELECT COALESCE(MAX(id), 0) FROM transfers WHERE source = ? AND input = ?"),
        use(boundSource), use(boundInput), into(ids), now;
    if (ids.empty() || ids.front() == 0) return std::nullopt;
    return findTransfer(ids.front());
}

std::vector<TransferInfo> SqlStore::queryTransfers(const std::string& where, std::int64_t id,
                                                   std::size_t limit) {
    auto s = session();
    Poco::Data::Statement select(s);
    select << sql(
        "SELECT id, source, municipality, input, state, instance, started_at,"
        " COALESCE(finished_at, ''), records_read, records_stored, records_unchanged,"
        " records_rejected, digest, COALESCE(error, ''), warning FROM transfers " +
        where + " ORDER BY id DESC LIMIT " + std::to_string(limit));
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
        info.instance = rows.value(5, row).convert<std::string>();
        info.startedAt = rows.value(6, row).convert<std::string>();
        info.finishedAt = rows.value(7, row).convert<std::string>();
        info.counts.read = rows.value(8, row).convert<Poco::UInt64>();
        info.counts.stored = rows.value(9, row).convert<Poco::UInt64>();
        info.counts.unchanged = rows.value(10, row).convert<Poco::UInt64>();
        info.counts.rejected = rows.value(11, row).convert<Poco::UInt64>();
        info.digest = rows.value(12, row).convert<std::string>();
        info.error = rows.value(13, row).convert<std::string>();
        info.warning = rows.value(14, row).convert<std::string>();
        transfers.push_back(std::move(info));
    }
    return transfers;
}

std::string SqlStore::watermark(const std::string& source) {
    auto s = session();
    std::string boundSource = source;
    std::vector<std::string> found;
    s << sql("SELECT watermark FROM source_watermarks WHERE source = ?"), use(boundSource),
        into(found), now;
    return found.empty() ? "" : found.front();
}

void SqlStore::setWatermark(const std::string& source, const std::string& watermark) {
    // Another writer holding the database is waited for, not a failure.
    whileLocked([&] {
        auto s = session();
        std::string boundSource = source, boundWatermark = watermark, updated = utcNow();
        s << sql(
            "INSERT INTO source_watermarks (source, watermark, updated_at) VALUES (?, ?, ?)"
            " ON CONFLICT (source) DO UPDATE SET watermark = excluded.watermark,"
            " updated_at = excluded.updated_at"),
            use(boundSource), use(boundWatermark), use(updated), now;
    });
}

std::vector<SourceStats> SqlStore::sourceStats() {
    auto s = session();
    std::vector<std::string> sources, municipalities, states, lastFinished;
    std::vector<Poco::Int64> transfers, read, stored, unchanged, rejected;
    s << "SELECT source, municipality, state, COUNT(*),"
         " CAST(COALESCE(SUM(records_read), 0) AS BIGINT),"
         " CAST(COALESCE(SUM(records_stored), 0) AS BIGINT),"
         " CAST(COALESCE(SUM(records_unchanged), 0) AS BIGINT),"
         " CAST(COALESCE(SUM(records_rejected), 0) AS BIGINT), COALESCE(MAX(finished_at), '')"
         " FROM transfers GROUP BY source, municipality, state ORDER BY source, state",
        into(sources), into(municipalities), into(states), into(transfers), into(read),
        into(stored), into(unchanged), into(rejected), into(lastFinished), now;
    std::vector<SourceStats> stats;
    for (std::size_t i = 0; i < sources.size(); ++i) {
        // The log's own format (utcNow): parsed here, once, for every reader.
        std::optional<std::chrono::system_clock::time_point> finished;
        Poco::DateTime when;
        int zone = 0;
        if (Poco::DateTimeParser::tryParse(Poco::DateTimeFormat::ISO8601_FRAC_FORMAT,
                                           lastFinished[i], when, zone)) {
            finished = std::chrono::system_clock::time_point(
                std::chrono::microseconds(when.timestamp().epochMicroseconds()));
        }
        stats.push_back({sources[i], municipalities[i], states[i], transfers[i],
                         TransferCounts{static_cast<std::uint64_t>(read[i]),
                                        static_cast<std::uint64_t>(stored[i]),
                                        static_cast<std::uint64_t>(unchanged[i]),
                                        static_cast<std::uint64_t>(rejected[i])},
                         finished});
    }
    return stats;
}

std::vector<QuarantinedRecord> SqlStore::listRejects(std::int64_t transferId, std::int64_t after,
                                                     std::size_t limit) {
    auto s = session();
    std::vector<Poco::Int64> ids, lines, records;
    std::vector<std::string> inputs, stages, rules, fields, messages;
    Poco::Int64 boundTransfer = transferId, boundAfter = after;
    s << sql(
        "SELECT id, input, line, record_number, stage, rule, field, message FROM quarantine"
        " WHERE transfer_id = ? AND id > ? ORDER BY id LIMIT " +
        std::to_string(limit)),
        use(boundTransfer), use(boundAfter), into(ids), into(inputs), into(lines), into(records),
        into(stages), into(rules), into(fields), into(messages), now;
    std::vector<QuarantinedRecord> rejects;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        SourcePosition position{inputs[i], static_cast<std::uint64_t>(lines[i]),
                                static_cast<std::uint64_t>(records[i])};
        rejects.push_back({ids[i], Rejection{stageNamed(stages[i]), rules[i], fields[i],
                                             messages[i], std::move(position)}});
    }
    return rejects;
}

void SqlStore::scanCurrent(const std::string& entity,
                           const std::function<void(const nlohmann::json& record)>& visit,
                           const std::string& municipality) {
    auto s = session();
    std::string boundEntity = entity, boundMunicipality = municipality;
    // What is current when the scan begins: a caller writing new versions as it goes (a
    // migration) does not see its own.
    Poco::Int64 after = 0, last = 0;
    s << "SELECT COALESCE(MAX(seq), 0) FROM records", into(last), now;
    // Page by page on the commit order: PostgreSQL's client would otherwise hold the whole
    // result in memory.
    for (;;) {
        std::vector<Poco::Int64> seqs;
        std::vector<std::string> bodies;
        s << sql(
            "SELECT h.seq, r.body FROM record_heads h JOIN records r ON r.seq = h.seq"
            " WHERE h.entity = ? AND h.seq > ? AND h.seq <= ? AND (? = '' OR h.municipality = ?)"
            " ORDER BY h.seq LIMIT 1000"),
            use(boundEntity), use(after), use(last), use(boundMunicipality), use(boundMunicipality),
            into(seqs), into(bodies), now;
        for (const auto& body : bodies) visit(nlohmann::json::parse(body));
        if (seqs.size() < 1000) break;
        after = seqs.back();
    }
}

void SqlStore::retireRecord(const std::string& municipality, const std::string& sourceSystem,
                            const std::string& entity, const std::string& sourceRecordId) {
    // Another writer holding the database is waited for, not a failure.
    whileLocked([&] {
        auto s = session();
        std::string m = municipality, system = sourceSystem, e = entity, id = sourceRecordId;
        s << sql(
            "DELETE FROM record_heads WHERE municipality = ? AND source_system = ? AND entity = ?"
            " AND source_record_id = ?"),
            use(m), use(system), use(e), use(id), now;
    });
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

std::vector<FeedEntry> SqlStore::readFeed(const std::string& entity, std::int64_t after,
                                          std::size_t limit) {
    auto s = session();
    std::string boundEntity = entity;
    Poco::Int64 boundAfter = after;
    std::vector<Poco::Int64> seqs;
    std::vector<std::string> bodies;
    s << sql("SELECT seq, body FROM records WHERE entity = ? AND seq > ? ORDER BY seq LIMIT " +
             std::to_string(limit)),
        use(boundEntity), use(boundAfter), into(seqs), into(bodies), now;
    std::vector<FeedEntry> entries;
    entries.reserve(seqs.size());
    for (std::size_t i = 0; i < seqs.size(); ++i)
        entries.push_back({seqs[i], std::move(bodies[i])});
    return entries;
}

FeedPage SqlStore::planFeedPage(const std::string& entity, std::int64_t after, std::size_t limit,
                                std::size_t maxCharacters) {
    auto s = session();
    std::string boundEntity = entity;
    Poco::Int64 boundAfter = after;
    std::vector<Poco::Int64> seqs, lengths;
    s << sql(
        "SELECT seq, LENGTH(body) FROM records WHERE entity = ? AND seq > ? ORDER BY seq"
        " LIMIT " +
        std::to_string(limit)),
        use(boundEntity), use(boundAfter), into(seqs), into(lengths), now;
    FeedPage page{0, after};
    std::size_t characters = 0;
    for (std::size_t i = 0; i < seqs.size(); ++i) {
        characters += static_cast<std::size_t>(lengths[i]);
        if (page.entries > 0 && characters > maxCharacters) break;
        ++page.entries;
        page.last = seqs[i];
    }
    return page;
}

void SqlStore::logFeedRead(const FeedRead& read) {
    // Another writer holding the database is waited for, not a failure.
    whileLocked([&] {
        auto s = session();
        std::string at = utcNow(), reader = read.reader, entity = read.entity, view = read.view,
                    address = read.address, resource = read.resource;
        Poco::Int64 after = read.after, last = read.last, records = read.records,
                    status = read.status;
        s << sql(
            "INSERT INTO feed_reads (read_at, reader, entity, view, after_seq, last_seq,"
            " record_count, client_address, status, resource) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, "
            "?)"),
            use(at), use(reader), use(entity), use(view), use(after), use(last), use(records),
            use(address), use(status), use(resource), now;
    });
}

std::vector<FeedRead> SqlStore::listFeedReads(std::int64_t after, std::size_t limit) {
    auto s = session();
    std::vector<Poco::Int64> ids, afters, lasts, counts, statuses;
    std::vector<std::string> ats, readers, entities, views, addresses, resources;
    Poco::Int64 boundAfter = after;
    s << sql(
        "SELECT id, read_at, reader, entity, view, after_seq, last_seq, record_count,"
        " client_address, status, resource FROM feed_reads WHERE id > ? ORDER BY id LIMIT " +
        std::to_string(limit)),
        use(boundAfter), into(ids), into(ats), into(readers), into(entities), into(views),
        into(afters), into(lasts), into(counts), into(addresses), into(statuses), into(resources),
        now;
    std::vector<FeedRead> reads;
    for (std::size_t i = 0; i < ids.size(); ++i) {
        reads.push_back({ids[i], ats[i], readers[i], entities[i], views[i], afters[i], lasts[i],
                         counts[i], addresses[i], static_cast<int>(statuses[i]), resources[i]});
    }
    return reads;
}

Reconciliation SqlStore::reconcileTransfer(std::int64_t id) {
    auto s = session();
    Poco::Int64 boundId = id;
    Reconciliation r;
    r.scope = "transfer " + std::to_string(id);
    Poco::Int64 read = 0, stored = 0, unchanged = 0, rejected = 0, storedSourceRecords = 0;
    std::string state;
    s << sql(
        "SELECT records_read, records_stored, records_unchanged, records_rejected, digest, state"
        " FROM transfers WHERE id = ?"),
        use(boundId), into(read), into(stored), into(unchanged), into(rejected), into(r.digest),
        into(state), now;
    r.counts = {static_cast<std::uint64_t>(read), static_cast<std::uint64_t>(stored),
                static_cast<std::uint64_t>(unchanged), static_cast<std::uint64_t>(rejected)};
    s << sql("SELECT COUNT(*) FROM quarantine WHERE transfer_id = ?"), use(boundId),
        into(r.quarantined), now;
    s << sql(
        "SELECT COUNT(*) FROM (SELECT DISTINCT record_number FROM records"
        " WHERE transfer_id = ?) AS stored_source_records"),
        use(boundId), into(storedSourceRecords), now;
    s << sql(
        "SELECT COUNT(*) FROM records r JOIN record_heads h ON h.municipality = r.municipality"
        " AND h.source_system = r.source_system AND h.entity = r.entity"
        " AND h.source_record_id = r.source_record_id AND h.version = r.version"
        " WHERE r.transfer_id = ?"),
        use(boundId), into(r.currentRecords), now;
    checkReconciliation(r, storedSourceRecords);
    // What it stored adds up, but a transfer cut off or failed before the end of its input
    // does not account for the whole input.
    if (state == "interrupted" || state == "failed") {
        r.problems.push_back("the transfer " + state +
                             " before the end of its input: what it read is not all there was");
        r.addsUp = false;
    }
    return r;
}

Reconciliation SqlStore::reconcileMunicipality(const std::string& municipality) {
    auto s = session();
    std::string boundMunicipality = municipality;
    Reconciliation r;
    r.scope = "municipality " + municipality;
    Poco::Int64 read = 0, stored = 0, unchanged = 0, rejected = 0, storedSourceRecords = 0;
    s << sql(
        "SELECT CAST(COALESCE(SUM(records_read), 0) AS BIGINT),"
        " CAST(COALESCE(SUM(records_stored), 0) AS BIGINT),"
        " CAST(COALESCE(SUM(records_unchanged), 0) AS BIGINT),"
        " CAST(COALESCE(SUM(records_rejected), 0) AS BIGINT)"
        " FROM transfers WHERE state <> 'queued' AND municipality = ?"),
        use(boundMunicipality), into(read), into(stored), into(unchanged), into(rejected), now;
    r.counts = {static_cast<std::uint64_t>(read), static_cast<std::uint64_t>(stored),
                static_cast<std::uint64_t>(unchanged), static_cast<std::uint64_t>(rejected)};
    s << sql(
        "SELECT COUNT(*) FROM quarantine q JOIN transfers t ON t.id = q.transfer_id"
        " WHERE t.municipality = ?"),
        use(boundMunicipality), into(r.quarantined), now;
    s << sql(
        "SELECT COUNT(*) FROM (SELECT DISTINCT r.transfer_id, r.record_number"
        " FROM records r JOIN transfers t ON t.id = r.transfer_id"
        " WHERE t.municipality = ?) AS stored_source_records"),
        use(boundMunicipality), into(storedSourceRecords), now;
    s << sql("SELECT COUNT(*) FROM record_heads WHERE municipality = ?"), use(boundMunicipality),
        into(r.currentRecords), now;

    // Over the current records, as the county can compute it from the feeds. Page by page:
    // PostgreSQL's client would otherwise hold the whole result in memory. The digest is the
    // same in any order, so the pages follow the heads' key.
    RecordDigest digest;
    std::string afterSystem, afterEntity, afterId;
    for (;;) {
        std::vector<std::string> systems, entities, ids, hashes;
        s << sql(
            "SELECT source_system, entity, source_record_id, content_hash FROM record_heads"
            " WHERE municipality = ? AND (source_system, entity, source_record_id) > (?, ?, ?)"
            " ORDER BY source_system, entity, source_record_id LIMIT 10000"),
            use(boundMunicipality), use(afterSystem), use(afterEntity), use(afterId), into(systems),
            into(entities), into(ids), into(hashes), now;
        for (std::size_t i = 0; i < ids.size(); ++i) digest.add(entities[i], ids[i], hashes[i]);
        if (ids.size() < 10000) break;
        afterSystem = systems.back();
        afterEntity = entities.back();
        afterId = ids.back();
    }
    r.digest = digest.hex();
    checkReconciliation(r, storedSourceRecords);
    return r;
}

void SqlStore::checkReconciliation(Reconciliation& r, std::int64_t storedSourceRecords) {
    // Every number but the counts comes from the rows the transfers left, so that the check
    // does not trust the counts it checks.
    const TransferCounts& c = r.counts;
    if (!c.addsUp()) {
        r.problems.push_back("read " + std::to_string(c.read) + " != stored " +
                             std::to_string(c.stored) + " + unchanged " +
                             std::to_string(c.unchanged) + " + rejected " +
                             std::to_string(c.rejected));
    }
    if (r.quarantined != static_cast<std::int64_t>(c.rejected)) {
        r.problems.push_back(std::to_string(c.rejected) + " rejected but " +
                             std::to_string(r.quarantined) + " in quarantine");
    }
    if (storedSourceRecords != static_cast<std::int64_t>(c.stored)) {
        r.problems.push_back(std::to_string(c.stored) + " stored but records of " +
                             std::to_string(storedSourceRecords) + " source records in the store");
    }
    r.addsUp = r.problems.empty();
}

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

void SqlSink::write(const std::vector<RegionalRecord>& records) {
    Item item;
    item.rows.reserve(records.size());
    for (const auto& record : records) {
        const auto& provenance = record.body.at("provenance");
        Row row;
        row.municipality = provenance.at("sourceMunicipality").get<std::string>();
        row.sourceSystem = provenance.at("sourceSystem").get<std::string>();
        row.entity = record.entity;
        row.sourceRecordId = record.sourceRecordId;
        row.contentHash = provenance.at("contentHash").get<std::string>();
        row.recordNumber = provenance.at("record").get<Poco::Int64>();
        row.body = record.text;
        item.rows.push_back(std::move(row));
    }
    add(std::move(item));
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
    std::vector<const Row*> keys;
    std::unordered_map<std::string, std::optional<std::size_t>> lastVersionOf;  // by key
    for (const auto& item : batch) {
        for (const auto& row : item.rows) {
            if (lastVersionOf.emplace(keyOf(row), std::nullopt).second) keys.push_back(&row);
        }
    }
    std::unordered_map<std::string, Head> heads = writer_->findHeads(keys);
    std::unordered_map<std::string, bool> inStore;
    for (const auto& [key, head] : heads) inStore[key] = true;

    // The version decision, the same for every backend: a record becomes its key's next version
    // when the key is new or its newest version has other content. Decided in read order, so
    // that a key twice in one batch sees its earlier version.
    std::vector<NewVersion> versions;
    for (auto& item : batch) {
        for (auto& row : item.rows) {
            std::string key = keyOf(row);
            Head& head = heads[key];
            row.stored = head.version == 0 || head.contentHash != row.contentHash;
            if (!row.stored) continue;
            head = {head.version + 1, row.contentHash};
            auto& last = lastVersionOf[key];
            if (last) versions[*last].lastOfKey = false;
            last = versions.size();
            versions.push_back({&row, head.version, !inStore.count(key), true});
        }
    }
    std::vector<const Quarantined*> rejections;
    for (const auto& item : batch) {
        if (item.rejection) rejections.push_back(&*item.rejection);
    }
    if (!versions.empty()) writer_->writeVersions(versions);
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

nlohmann::json TransferInfo::toJson() const {
    nlohmann::json j{{"id", id},
                     {"source", source},
                     {"municipality", municipality},
                     {"input", input},
                     {"state", state},
                     {"startedAt", startedAt},
                     {"counts", counts.toJson()}};
    if (!instance.empty()) j["instance"] = instance;
    if (!finishedAt.empty()) j["finishedAt"] = finishedAt;
    if (!digest.empty()) j["digest"] = digest;
    if (!error.empty()) j["error"] = error;
    if (!warning.empty()) j["warning"] = warning;
    return j;
}

nlohmann::json FeedRead::toJson() const {
    return {{"id", id},           {"readAt", readAt}, {"reader", reader},    {"entity", entity},
            {"view", view},       {"after", after},   {"last", last},        {"records", records},
            {"address", address}, {"status", status}, {"resource", resource}};
}

nlohmann::json Reconciliation::toJson() const {
    return {{"scope", scope},
            {"counts", counts.toJson()},
            {"quarantined", quarantined},
            {"currentRecords", currentRecords},
            {"digest", digest},
            {"addsUp", addsUp},
            {"problems", problems}};
}

}  // namespace gw
