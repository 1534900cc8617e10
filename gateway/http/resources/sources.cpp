#include "gateway/http/resources/sources.h"

namespace gw {
namespace {

using Poco::Net::HTTPResponse;

void setPaused(const HttpApiContext& context, Call& call, bool paused) {
    if (!context.scheduler.setPaused(call.segments[2], paused)) {
        sendError(call.response, HTTPResponse::HTTP_NOT_FOUND, "no source with that name");
        return;
    }
    sendJson(call.response, HTTPResponse::HTTP_OK,
             {{"source", call.segments[2]}, {"paused", paused}});
}

}  // namespace

void listSources(const HttpApiContext& context, Call& call) {
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"sources", context.scheduler.describe()}});
}

void pauseSource(const HttpApiContext& context, Call& call) {
    setPaused(context, call, true);
}

void resumeSource(const HttpApiContext& context, Call& call) {
    setPaused(context, call, false);
}

}  // namespace gw
