#include "gateway/http/resources/health.h"

namespace gw {

using Poco::Net::HTTPResponse;

void sendHealth(const HttpApiContext&, Call& call) {
    sendJson(call.response, HTTPResponse::HTTP_OK, {{"status", "ok"}});
}

void sendReadiness(const HttpApiContext& context, Call& call) {
    if (context.ready) {
        sendJson(call.response, HTTPResponse::HTTP_OK, {{"status", "ready"}});
    } else {
        sendError(call.response, HTTPResponse::HTTP_SERVICE_UNAVAILABLE, "starting");
    }
}

}  // namespace gw
