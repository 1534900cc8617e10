#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>

#include <atomic>

#include "gateway/store/store.h"

namespace gw {

/// Routes the gateway's HTTP API: health, readiness and the transfer log (docs/architecture.md).
class HttpApi : public Poco::Net::HTTPRequestHandlerFactory {
  public:
    /// `ready` turns true once configuration and store are loaded and the first runs started.
    HttpApi(Store& store, const std::atomic<bool>& ready);

    Poco::Net::HTTPRequestHandler* createRequestHandler(
        const Poco::Net::HTTPServerRequest& request) override;

  private:
    Store& store_;
    const std::atomic<bool>& ready_;
};

}  // namespace gw
