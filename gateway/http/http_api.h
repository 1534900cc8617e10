#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include "gateway/http/call.h"

namespace gw {

/// Answers the gateway's HTTP API (docs/api/openapi.yaml) by the routing table
/// (gateway/http/routes.cpp): health and readiness for anyone; pushes, the transfer log and
/// queue, the county's feeds and their audit log for bearer tokens with the scope each needs.
/// An unknown or missing token gets 401 whatever the path, so that nothing tells an outsider
/// what exists.
class HttpApi : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    explicit HttpApi(HttpApiContext context) : context_(context) {}

    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest& request) override;

  private:
    HttpApiContext context_;
};

}  // namespace gw
