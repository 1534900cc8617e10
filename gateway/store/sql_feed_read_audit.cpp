// The audit log of reads of an SQL store.
#include "gateway/store/sql_store.h"
#include "gateway/store/sql_values.h"

using namespace Poco::Data::Keywords;

namespace gw {

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

nlohmann::json FeedRead::toJson() const {
    return {{"id", id},           {"readAt", readAt}, {"reader", reader},    {"entity", entity},
            {"view", view},       {"after", after},   {"last", last},        {"records", records},
            {"address", address}, {"status", status}, {"resource", resource}};
}

}  // namespace gw
