#pragma once

#include <functional>
#include <string>
#include <vector>

#include "gateway/http/call.h"

namespace gw {

/// One route: a method, a path pattern ("*" matches one segment) and the scope it needs.
struct Route {
    std::string method;
    std::vector<std::string> pattern;
    /// Empty: open to anyone; "feed" for the scope of any feed view; "push" for push:<the path's
    /// municipality>; "transfers" for transfers:admin or any push scope (the handler then shows
    /// a push token its own municipality's transfers only); "reports" for reports:read or
    /// feed:read; "any" for any valid token.
    std::string scope;
    std::function<void(const HttpApiContext&, Call&)> handle;
    /// Reads personal data: every attempt, refused or not, goes to the audit log.
    bool personal = false;

    bool matches(const std::string& m, const std::vector<std::string>& segments) const;
    bool permits(const TokenGrant& grant, const std::vector<std::string>& segments,
                 const FeedService& feeds) const;
};

/// The routing table: every route of the HTTP API with the scope it needs, in one place
/// (gateway/http/routes.cpp); the first that matches a request answers it.
const std::vector<Route>& routes();

}  // namespace gw
