#include "gateway/feeds/feed_view.h"

#include "gateway/core/errors.h"

namespace gw {

void FeedViewRegistry::add(FeedViewKind kind) {
    if (find(kind.name)) throw ConfigError("two feed views are called '" + kind.name + "'");
    kinds_.push_back(std::move(kind));
}

const FeedViewKind* FeedViewRegistry::find(const std::string& name) const {
    for (const auto& kind : kinds_) {
        if (kind.name == name) return &kind;
    }
    return nullptr;
}

}  // namespace gw
