#include "gateway/feeds/feed_view.h"
#include "gateway/feeds/fhir/fhir_view.h"
#include "gateway/feeds/full/full_view.h"
#include "gateway/feeds/pseudonymised/pseudonymiser.h"

namespace gw {

const FeedViewRegistry& builtinFeedViews() {
    static const FeedViewRegistry registry = [] {
        FeedViewRegistry r;
        r.add(FullView::kind());
        r.add(Pseudonymiser::kind());
        r.add(FhirView::fullKind());
        r.add(FhirView::pseudonymisedKind());
        return r;
    }();
    return registry;
}

}  // namespace gw
