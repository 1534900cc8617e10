#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <atomic>

#include "gateway/feeds/feed_service.h"
#include "gateway/http/access_control.h"
#include "gateway/store/store.h"
#include "gateway/transfers/scheduler.h"
#include "gateway/transfers/transfer_workers.h"

namespace gw {

/// What the HTTP API works with.
struct HttpApiContext {
    const GatewaySettings& settings;
    Store& store;
    TransferWorkers& transfers;
    Scheduler& scheduler;
    const AccessControl& access;
    FeedService& feeds;
    const std::atomic<bool>& ready;  ///< true once configuration and store are loaded
};

/// Routes the gateway's HTTP API (docs/api/openapi.yaml): health and readiness for anyone; pushes,
/// the transfer log and queue, the county's feeds and their audit log for bearer tokens with the
/// scope each needs. An unknown or missing token gets 401 whatever the path, so that nothing
/// tells an outsider what exists.
class HttpApi : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit HttpApi(HttpApiContext context) : context_(context) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest& request) override;

  private:
    HttpApiContext context_;
};

}  // namespace gw
