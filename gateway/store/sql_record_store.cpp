// The records, quarantine, feed pages and reconciliation of an SQL store.
#include <Poco/Data/RecordSet.h>

#include "gateway/store/record_digest.h"
#include "gateway/store/sql_store.h"
#include "gateway/store/sql_values.h"

using namespace Poco::Data::Keywords;

namespace gw {

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
    s << "SELECT COALESCE(MAX(seq), 0) FROM record_versions", into(last), now;
    // Page by page on the commit order: PostgreSQL's client would otherwise hold the whole
    // result in memory. Versions' seq is bounded as well as the heads': PostgreSQL would
    // otherwise merge-join the versions from their start, once per page.
    for (;;) {
        std::vector<Poco::Int64> seqs;
        std::vector<std::string> bodies;
        s << sql(
            "SELECT h.seq, r.body FROM record_keys h JOIN record_versions r ON r.seq = h.seq"
            " WHERE h.entity = ? AND h.seq > ? AND r.seq > ? AND h.seq <= ?"
            " AND (? = '' OR h.municipality = ?) ORDER BY h.seq LIMIT 1000"),
            use(boundEntity), use(after), use(after), use(last), use(boundMunicipality),
            use(boundMunicipality), into(seqs), into(bodies), now;
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
        // The key and its versions stay: a record that comes back goes on from its last version.
        s << sql(
            "UPDATE record_keys SET seq = NULL WHERE municipality = ? AND source_system = ?"
            " AND entity = ? AND source_record_id = ?"),
            use(m), use(system), use(e), use(id), now;
    });
}

namespace {

/// The rows of a query of (seq, body, stored time) as feed entries.
std::vector<FeedEntry> entriesOf(const std::vector<Poco::Int64>& seqs,
                                 std::vector<std::string>& bodies,
                                 std::vector<std::string>& times) {
    std::vector<FeedEntry> entries;
    entries.reserve(seqs.size());
    for (std::size_t i = 0; i < seqs.size(); ++i)
        entries.push_back({seqs[i], std::move(bodies[i]), std::move(times[i])});
    return entries;
}

}  // namespace

std::vector<FeedEntry> SqlStore::readFeed(const std::string& entity, std::int64_t after,
                                          std::size_t limit) {
    auto s = session();
    std::string boundEntity = entity;
    Poco::Int64 boundAfter = after;
    std::vector<Poco::Int64> seqs;
    std::vector<std::string> bodies, times;
    s << sql(
        "SELECT r.seq, r.body, COALESCE(t.finished_at, t.started_at) FROM record_versions r"
        " JOIN transfers t ON t.id = r.transfer_id WHERE r.entity = ? AND r.seq > ?"
        " ORDER BY r.seq LIMIT " +
        std::to_string(limit)),
        use(boundEntity), use(boundAfter), into(seqs), into(bodies), into(times), now;
    return entriesOf(seqs, bodies, times);
}

namespace {

// Rows fetched at once by the scans below: PostgreSQL's client would otherwise hold a whole
// result in memory. Each page's query bounds versions' seq as well (see scanCurrent).
constexpr std::size_t kScanPage = 1000;

/// Calls `visit` with each entry of one page of a scan; returns the cursor for the next page, or
/// nothing after the last one.
std::optional<Poco::Int64> visitPage(std::vector<Poco::Int64>& seqs,
                                     std::vector<std::string>& bodies,
                                     std::vector<std::string>& times,
                                     const std::function<void(const FeedEntry& entry)>& visit) {
    for (const auto& entry : entriesOf(seqs, bodies, times)) visit(entry);
    if (seqs.size() < kScanPage) return std::nullopt;
    return seqs.back();
}

}  // namespace

void SqlStore::scanCurrentVersions(const std::string& entity, const std::string& since,
                                   const std::function<void(const FeedEntry& entry)>& visit) {
    auto s = session();
    std::string boundEntity = entity, boundSince = since;
    std::optional<Poco::Int64> after = 0;
    while (after) {
        std::vector<Poco::Int64> seqs;
        std::vector<std::string> bodies, times;
        s << sql(
            "SELECT h.seq, r.body, COALESCE(t.finished_at, t.started_at) FROM record_keys h"
            " JOIN record_versions r ON r.seq = h.seq JOIN transfers t ON t.id = r.transfer_id"
            " WHERE h.entity = ? AND h.seq > ? AND r.seq > ?"
            " AND (t.finished_at IS NULL OR t.finished_at > ?) ORDER BY h.seq LIMIT " +
            std::to_string(kScanPage)),
            use(boundEntity), use(*after), use(*after), use(boundSince), into(seqs), into(bodies),
            into(times), now;
        after = visitPage(seqs, bodies, times, visit);
    }
}

void SqlStore::scanCurrentClients(const std::string& since,
                                  const std::function<void(const FeedEntry& entry)>& visit) {
    auto s = session();
    // One row per client, grouped once by the database into a table of this connection's own,
    // then read page by page: grouping again for every page would cost the whole scan each time.
    s << "DROP TABLE IF EXISTS fhir_current_clients", now;
    s << "CREATE TEMPORARY TABLE fhir_current_clients AS SELECT MAX(h.seq) AS seq,"
         " MAX(COALESCE(t.finished_at, t.started_at)) AS stored_at,"
         " MAX(CASE WHEN t.finished_at IS NULL THEN 1 ELSE 0 END) AS running"
         " FROM record_keys h JOIN record_versions r ON r.seq = h.seq"
         " JOIN transfers t ON t.id = r.transfer_id WHERE h.entity = 'client' GROUP BY " +
             clientIdOf("r.body"),
        now;
    s << "CREATE INDEX fhir_current_clients_by_seq ON fhir_current_clients (seq)", now;
    std::string boundSince = since;
    std::optional<Poco::Int64> after = 0;
    try {
        while (after) {
            std::vector<Poco::Int64> seqs;
            std::vector<std::string> bodies, times;
            s << sql(
                "SELECT c.seq, r.body, c.stored_at FROM fhir_current_clients c"
                " JOIN record_versions r ON r.seq = c.seq WHERE c.seq > ? AND r.seq > ? AND"
                " (c.running = 1 OR c.stored_at > ?) ORDER BY c.seq LIMIT " +
                std::to_string(kScanPage)),
                use(*after), use(*after), use(boundSince), into(seqs), into(bodies), into(times),
                now;
            after = visitPage(seqs, bodies, times, visit);
        }
    } catch (...) {
        s << "DROP TABLE IF EXISTS fhir_current_clients", now;
        throw;
    }
    s << "DROP TABLE IF EXISTS fhir_current_clients", now;
}

void SqlStore::scanTransferChanges(std::int64_t transferId,
                                   const std::function<void(const StoredChange& change)>& visit) {
    auto s = session();
    Poco::Int64 boundTransfer = transferId, after = 0;
    for (;;) {
        std::vector<Poco::Int64> seqs, recordNumbers;
        std::vector<std::string> entities, bodies, replaced;
        s << sql(
            "SELECT r.seq, r.record_number, r.entity, r.body, COALESCE(p.body, '')"
            " FROM record_versions r LEFT JOIN record_versions p ON p.seq = r.previous_seq"
            " WHERE r.transfer_id = ? AND r.seq > ? ORDER BY r.seq LIMIT " +
            std::to_string(kScanPage)),
            use(boundTransfer), use(after), into(seqs), into(recordNumbers), into(entities),
            into(bodies), into(replaced), now;
        for (std::size_t i = 0; i < seqs.size(); ++i)
            visit({recordNumbers[i], entities[i], std::move(replaced[i]), std::move(bodies[i])});
        if (seqs.size() < kScanPage) return;
        after = seqs.back();
    }
}

std::optional<std::string> SqlStore::currentRecord(const std::string& municipality,
                                                   const std::string& sourceSystem,
                                                   const std::string& entity,
                                                   const std::string& sourceRecordId) {
    auto s = session();
    std::string boundMunicipality = municipality, boundSystem = sourceSystem, boundEntity = entity,
                boundId = sourceRecordId;
    std::vector<std::string> bodies;
    s << sql(
        "SELECT r.body FROM record_keys h JOIN record_versions r ON r.seq = h.seq"
        " WHERE h.municipality = ? AND h.source_system = ? AND h.entity = ?"
        " AND h.source_record_id = ?"),
        use(boundMunicipality), use(boundSystem), use(boundEntity), use(boundId), into(bodies), now;
    if (bodies.empty()) return std::nullopt;
    return bodies.front();
}

FeedPage SqlStore::planFeedPage(const std::string& entity, std::int64_t after, std::size_t limit,
                                std::size_t maxCharacters) {
    auto s = session();
    std::string boundEntity = entity;
    Poco::Int64 boundAfter = after;
    std::vector<Poco::Int64> seqs, lengths;
    s << sql(
        "SELECT seq, LENGTH(body) FROM record_versions WHERE entity = ? AND seq > ?"
        " ORDER BY seq"
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
    // One pass over the transfer's versions, which are read from the table itself: the source
    // records they came from, and how many are still their key's head.
    s << sql(
        "SELECT COUNT(DISTINCT r.record_number),"
        " CAST(COALESCE(SUM(CASE WHEN h.seq = r.seq THEN 1 ELSE 0 END), 0) AS BIGINT)"
        " FROM record_versions r JOIN record_keys h ON h.id = r.key_id WHERE r.transfer_id = ?"),
        use(boundId), into(storedSourceRecords), into(r.currentRecords), now;
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
        " FROM record_versions r JOIN transfers t ON t.id = r.transfer_id"
        " WHERE t.municipality = ?) AS stored_source_records"),
        use(boundMunicipality), into(storedSourceRecords), now;
    s << sql("SELECT COUNT(*) FROM record_keys WHERE municipality = ? AND seq IS NOT NULL"),
        use(boundMunicipality), into(r.currentRecords), now;

    // Over the current records, as the county can compute it from the feeds. Page by page:
    // PostgreSQL's client would otherwise hold the whole result in memory. The digest is the
    // same in any order, so the pages follow the keys' numbers.
    RecordDigest digest;
    std::map<std::string, RecordDigest> digests;
    Poco::Int64 afterKey = 0;
    for (;;) {
        std::vector<Poco::Int64> keyIds;
        std::vector<std::string> entities, ids, hashes;
        s << sql(
            "SELECT id, entity, source_record_id, content_hash FROM record_keys"
            " WHERE municipality = ? AND id > ? AND seq IS NOT NULL ORDER BY id LIMIT 10000"),
            use(boundMunicipality), use(afterKey), into(keyIds), into(entities), into(ids),
            into(hashes), now;
        for (std::size_t i = 0; i < ids.size(); ++i) {
            digest.add(entities[i], ids[i], hashes[i]);
            digests[entities[i]].add(entities[i], ids[i], hashes[i]);
            ++r.entities[entities[i]].currentRecords;
        }
        if (ids.size() < 10000) break;
        afterKey = keyIds.back();
    }
    r.digest = digest.hex();
    for (auto& [entity, records] : r.entities) records.digest = digests[entity].hex();
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

std::map<std::string, std::map<std::string, std::int64_t>> SqlStore::currentRecordCounts() {
    auto s = session();
    std::vector<std::string> municipalities, entities;
    std::vector<Poco::Int64> counts;
    s << sql(
        "SELECT municipality, entity, COUNT(*) FROM record_keys WHERE seq IS NOT NULL"
        " GROUP BY municipality, entity"),
        into(municipalities), into(entities), into(counts), now;
    std::map<std::string, std::map<std::string, std::int64_t>> result;
    for (std::size_t i = 0; i < counts.size(); ++i)
        result[municipalities[i]][entities[i]] = counts[i];
    return result;
}

nlohmann::json Reconciliation::toJson() const {
    nlohmann::json json{{"scope", scope},
                        {"counts", counts.toJson()},
                        {"quarantined", quarantined},
                        {"currentRecords", currentRecords},
                        {"digest", digest},
                        {"addsUp", addsUp},
                        {"problems", problems}};
    if (!entities.empty()) {
        json["entities"] = nlohmann::json::object();
        for (const auto& [entity, records] : entities)
            json["entities"][entity] = {{"currentRecords", records.currentRecords},
                                        {"digest", records.digest}};
    }
    return json;
}

}  // namespace gw
