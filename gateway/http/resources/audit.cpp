#include "gateway/http/resources/audit.h"

namespace gw {

using Poco::Net::HTTPResponse;

void listFeedReads(const HttpApiContext& context, Call& call) {
    Store& store = context.store;
    auto after = numberParameter(call.query, "after", 0, INT64_MAX);
    auto limit = numberParameter(call.query, "limit", 1000, kMaxPage);
    nlohmann::json list = nlohmann::json::array();
    std::int64_t next = after;
    for (const auto& read : store.listFeedReads(after, static_cast<std::size_t>(limit))) {
        list.push_back(read.toJson());
        next = read.id;
    }
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"reads", list}, {"next", next}});
}

}  // namespace gw
