// The transfer log and queue of an SQL store.
#include <Poco/Data/RecordSet.h>
#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeParser.h>
#include <Poco/String.h>

#include <limits>

#include "gateway/core/identity_code.h"
#include "gateway/store/sql_store.h"
#include "gateway/store/sql_values.h"

using namespace Poco::Data::Keywords;

namespace gw {

namespace {

std::string joined(const std::vector<std::string>& parts) {
    std::string text;
    for (const auto& part : parts) text += (text.empty() ? "" : "; ") + part;
    return text;
}

}  // namespace

std::int64_t SqlStore::queueTransfer(const std::string& source, const std::string& municipality,
                                     const std::string& input) {
    {
        // An input already waiting in the queue waits once.
        auto s = session();
        std::string boundSource = source, boundInput = input;
        std::vector<Poco::Int64> queued;
        s << sql(
            "SELECT id FROM transfers WHERE state = 'queued' AND source = ? AND input = ?"
            " AND reprocess_of IS NULL LIMIT 1"),
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

std::int64_t SqlStore::queueReprocess(const TransferInfo& original) {
    return whileLocked([&] {
        auto s = session();
        std::string source = original.source, municipality = original.municipality,
                    input = original.input, started = utcNow();
        Poco::Int64 originalId = original.id;
        std::vector<Poco::Int64> queued;
        s << sql("SELECT id FROM transfers WHERE state = 'queued' AND reprocess_of = ? LIMIT 1"),
            use(originalId), into(queued), now;
        if (!queued.empty()) return queued.front();
        Poco::Int64 id = 0;
        s << sql(
            "INSERT INTO transfers (source, municipality, input, state, started_at, instance,"
            " reprocess_of) VALUES (?, ?, ?, 'queued', ?, '', ?) RETURNING id"),
            use(source), use(municipality), use(input), use(started), use(originalId), into(id),
            now;
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
    std::string mappingVersion = result.mappingVersion;
    Poco::Int64 boundRead = asInt(read), transferId = id;
    s << sql(
        "UPDATE transfers SET state = ?, finished_at = ?, records_read = ?, error = ?,"
        " warning = ?, mapping_version = ? WHERE id = ?"),
        use(state), use(finished), use(boundRead), use(error), use(warning), use(mappingVersion),
        use(transferId), now;
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

std::vector<TransferInfo> SqlStore::listTransfers(const TransferFilter& filter) {
    std::vector<std::string> conditions, values;
    if (!filter.municipalities.empty()) {
        std::string anyOf;
        for (const auto& municipality : filter.municipalities) {
            anyOf += anyOf.empty() ? "?" : ", ?";
            values.push_back(municipality);
        }
        conditions.push_back("municipality IN (" + anyOf + ")");
    }
    if (!filter.source.empty()) {
        conditions.push_back("source = ?");
        values.push_back(filter.source);
    }
    if (!filter.state.empty()) {
        conditions.push_back("state = ?");
        values.push_back(filter.state);
    }
    if (filter.before > 0) {
        conditions.push_back("id < CAST(? AS BIGINT)");
        values.push_back(std::to_string(filter.before));
    }
    std::string where;
    for (const auto& condition : conditions)
        where += (where.empty() ? "WHERE " : " AND ") + condition;
    return queryTransfers(where, values, filter.limit);
}

std::optional<TransferInfo> SqlStore::findTransfer(std::int64_t id) {
    auto found = queryTransfers("WHERE id = CAST(? AS BIGINT)", {std::to_string(id)}, 1);
    if (found.empty()) return std::nullopt;
    return found.front();
}

std::vector<TransferInfo> SqlStore::transfersOf(const std::string& source) {
    return queryTransfers("WHERE source = ?", {source}, std::numeric_limits<std::int32_t>::max());
}

std::vector<TransferInfo> SqlStore::transfersOfMunicipality(const std::string& municipality) {
    return queryTransfers("WHERE municipality = ?", {municipality},
                          std::numeric_limits<std::int32_t>::max());
}

std::vector<TransferInfo> SqlStore::interruptedReprocesses() {
    return queryTransfers(
        "WHERE state = 'interrupted' AND reprocess_of IS NOT NULL AND NOT EXISTS"
        " (SELECT 1 FROM transfers later WHERE later.reprocess_of = transfers.reprocess_of"
        " AND later.id > transfers.id)",
        {}, std::numeric_limits<std::int32_t>::max());
}

void SqlStore::recordInputDeletion(const std::string& path, const std::string& reason) {
    whileLocked([&] {
        auto s = session();
        std::string boundPath = path, boundReason = reason, deleted = utcNow();
        s << sql("INSERT INTO input_deletions (path, deleted_at, reason) VALUES (?, ?, ?)"),
            use(boundPath), use(deleted), use(boundReason), now;
    });
}

std::optional<std::pair<std::string, std::string>> SqlStore::inputDeletion(
    const std::string& path) {
    auto s = session();
    std::string boundPath = path;
    std::vector<std::string> times, reasons;
    s << sql(
        "SELECT deleted_at, reason FROM input_deletions WHERE path = ?"
        " ORDER BY deleted_at DESC LIMIT 1"),
        use(boundPath), into(times), into(reasons), now;
    if (times.empty()) return std::nullopt;
    return std::make_pair(times.front(), reasons.front());
}

std::optional<TransferInfo> SqlStore::latestTransferOf(const std::string& source,
                                                       const std::string& input) {
    auto s = session();
    std::string boundSource = source, boundInput = input;
    std::vector<Poco::Int64> ids;
    s << sql(
        "SELECT COALESCE(MAX(id), 0) FROM transfers WHERE source = ? AND input = ?"
        " AND reprocess_of IS NULL"),
        use(boundSource), use(boundInput), into(ids), now;
    if (ids.empty() || ids.front() == 0) return std::nullopt;
    return findTransfer(ids.front());
}

std::vector<TransferInfo> SqlStore::queryTransfers(const std::string& where,
                                                   std::vector<std::string> values,
                                                   std::size_t limit) {
    auto s = session();
    Poco::Data::Statement select(s);
    select << sql(
        "SELECT id, source, municipality, input, state, instance, started_at,"
        " COALESCE(finished_at, ''), records_read, records_stored, records_unchanged,"
        " records_rejected, digest, COALESCE(error, ''), warning, COALESCE(reprocess_of, 0),"
        " mapping_version FROM transfers " +
        where + " ORDER BY id DESC LIMIT " + std::to_string(limit));
    for (auto& value : values) select, use(value);
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
        info.reprocessOf = rows.value(15, row).convert<Poco::Int64>();
        info.mappingVersion = rows.value(16, row).convert<std::string>();
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

std::int64_t SqlStore::lastTransferOf(const std::string& municipality) {
    auto s = session();
    std::string boundMunicipality = municipality;
    Poco::Int64 last = 0;
    s << sql("SELECT COALESCE(MAX(id), 0) FROM transfers WHERE municipality = ?"),
        use(boundMunicipality), into(last), now;
    return last;
}

std::variant<std::int64_t, std::string> SqlStore::freezeMunicipality(const Freeze& freeze,
                                                                     std::int64_t lastTransfer) {
    return whileLocked([&]() -> std::variant<std::int64_t, std::string> {
        auto s = session();
        beginExclusive(s);
        try {
            std::string municipality = freeze.municipality;
            Poco::Int64 holding = 0, busy = 0, last = 0;
            s << sql(
                "SELECT COUNT(*) FROM municipality_freezes WHERE municipality = ?"
                " AND unfrozen_at IS NULL"),
                use(municipality), into(holding), now;
            s << sql(
                "SELECT COUNT(*) FROM transfers WHERE municipality = ?"
                " AND state IN ('queued', 'running')"),
                use(municipality), into(busy), now;
            s << sql("SELECT COALESCE(MAX(id), 0) FROM transfers WHERE municipality = ?"),
                use(municipality), into(last), now;
            std::string refusal =
                holding > 0 ? "municipality " + municipality + " is frozen already"
                : busy > 0  ? std::to_string(busy) + " transfers of municipality " + municipality +
                                 " are queued or running; freeze once they end"
                : last != lastTransfer ? "a transfer of municipality " + municipality +
                                             " began while its certificate was made; freeze again"
                                       : "";
            if (!refusal.empty()) {
                s << "ROLLBACK", now;
                return refusal;
            }
            std::string at = freeze.frozenAt, by = freeze.frozenBy,
                        certificate = freeze.certificate, signature = freeze.signature;
            Poco::Int64 id = 0;
            s << sql(
                "INSERT INTO municipality_freezes (municipality, frozen_at, frozen_by,"
                " certificate, signature) VALUES (?, ?, ?, ?, ?) RETURNING id"),
                use(municipality), use(at), use(by), use(certificate), use(signature), into(id),
                now;
            s << "COMMIT", now;
            return static_cast<std::int64_t>(id);
        } catch (...) {
            s << "ROLLBACK", now;
            throw;
        }
    });
}

bool SqlStore::unfreezeMunicipality(const std::string& municipality, const std::string& by) {
    return whileLocked([&] {
        auto s = session();
        std::string boundMunicipality = municipality, boundBy = by, at = utcNow();
        Poco::Data::Statement update(s);
        update << sql(
            "UPDATE municipality_freezes SET unfrozen_at = ?, unfrozen_by = ?"
            " WHERE municipality = ? AND unfrozen_at IS NULL"),
            use(at), use(boundBy), use(boundMunicipality);
        return update.execute() > 0;
    });
}

std::vector<Freeze> SqlStore::freezesOf(const std::string& municipality) {
    auto s = session();
    std::string boundMunicipality = municipality;
    Poco::Data::Statement select(s);
    select << sql(
        "SELECT id, municipality, frozen_at, frozen_by, certificate, signature,"
        " COALESCE(unfrozen_at, ''), COALESCE(unfrozen_by, '') FROM municipality_freezes"
        " WHERE municipality = ? ORDER BY id DESC"),
        use(boundMunicipality);
    select.execute();
    Poco::Data::RecordSet rows(select);
    std::vector<Freeze> freezes;
    for (std::size_t row = 0; row < rows.rowCount(); ++row) {
        Freeze freeze;
        freeze.id = rows.value(0, row).convert<Poco::Int64>();
        freeze.municipality = rows.value(1, row).convert<std::string>();
        freeze.frozenAt = rows.value(2, row).convert<std::string>();
        freeze.frozenBy = rows.value(3, row).convert<std::string>();
        freeze.certificate = rows.value(4, row).convert<std::string>();
        freeze.signature = rows.value(5, row).convert<std::string>();
        freeze.unfrozenAt = rows.value(6, row).convert<std::string>();
        freeze.unfrozenBy = rows.value(7, row).convert<std::string>();
        freezes.push_back(std::move(freeze));
    }
    return freezes;
}

nlohmann::json Freeze::toJson() const {
    nlohmann::json j{{"municipality", municipality},
                     {"frozenAt", frozenAt},
                     {"frozenBy", frozenBy},
                     {"holds", holds()}};
    if (!holds()) {
        j["unfrozenAt"] = unfrozenAt;
        j["unfrozenBy"] = unfrozenBy;
    }
    return j;
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
    if (reprocessOf != 0) j["reprocessOf"] = reprocessOf;
    if (!mappingVersion.empty()) j["mappingVersion"] = mappingVersion;
    return j;
}

}  // namespace gw
