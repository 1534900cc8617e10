#include "gateway/http/resources/feeds.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequestImpl.h>
#include <Poco/Net/StreamSocket.h>

#include <optional>

namespace gw {

using Poco::Net::HTTPResponse;

void readFeed(const HttpApiContext& context, Call& call) {
    const std::string& entity = call.segments[2];
    if (!context.feeds.hasFeed(entity)) {
        refuse(call, HTTPResponse::HTTP_NOT_FOUND, "no feed of that entity");
        return;
    }
    const FeedViewKind* view = nullptr;
    try {
        // The route let in a token that allows some view; a view it does not allow is not an
        // error: the token gets the view it may read (feed:pseudonymised always its own).
        view = context.feeds.viewFor(
            textParameter(call.query, "view"),
            [&](const std::string& scope) { return call.grant->allows(scope); });
    } catch (const std::invalid_argument& e) {
        throw BadRequest(e.what());
    }
    auto after = numberParameter(call.query, "after", 0, INT64_MAX);
    auto limit = numberParameter(call.query, "limit", 1000, kMaxPage);
    auto& log = Poco::Logger::get("gateway.feeds");
    // Audited before anything is sent: a read that cannot be audited is not served.
    call.response.setStatus(HTTPResponse::HTTP_OK);
    std::optional<FeedService::Page> page;
    try {
        page.emplace(context.feeds.open(entity, view->name, after, static_cast<std::size_t>(limit),
                                        whoReads(call)));
    } catch (const PersonalDataLeak& e) {
        log.error("a read of the " + view->name + " " + entity + " feed after " +
                  std::to_string(after) + " was refused: " + e.what());
        refuse(call, HTTPResponse::HTTP_INTERNAL_SERVER_ERROR,
               "the " + view->name + " view would have shown personal data; nothing was sent");
        return;
    }
    call.audited = true;
    call.response.setContentType("application/x-ndjson");
    call.response.set("X-Next-Cursor", std::to_string(page->last()));
    call.response.set("X-Record-Count", std::to_string(page->entries()));
    call.response.setChunkedTransferEncoding(true);
    std::ostream& out = call.response.send();
    while (!page->done()) {
        try {
            out << page->nextPart();
        } catch (const PersonalDataLeak& e) {
            // The page is cut off mid-way, never ended as if complete: the client sees a broken
            // response, not a short page.
            log.error("a read of the " + view->name + " " + entity +
                      " feed was cut off: " + e.what());
            static_cast<Poco::Net::HTTPServerRequestImpl&>(call.request).socket().shutdown();
            throw;
        }
    }
}

}  // namespace gw
