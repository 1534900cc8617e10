#pragma once

#include "gateway/feeds/feed_view.h"

namespace gw {

/// The "full" view, granted by feed:read: every stored record as it was stored, identity codes
/// and names included.
class FullView final : public FeedView {
  public:
    static FeedViewKind kind();

    std::string render(const FeedEntry& entry) const override { return entry.body; }
};

}  // namespace gw
