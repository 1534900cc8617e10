#include "gateway/feeds/full/full_view.h"

namespace gw {

FeedViewKind FullView::kind() {
    return {"full", "feed:read", "every stored record as it was stored",
            [](const FeedViewSetup&) { return std::make_unique<FullView>(); }};
}

}  // namespace gw
