#pragma once

#include <functional>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

#include "gateway/store/record_store.h"

namespace gw {

/// How one view of the county feeds shows a stored regional record. Each view is a folder under
/// gateway/feeds/ with a factory registered by name in gateway/feeds/builtin.cpp
/// (docs/architecture.md). Made once at start; used from any thread.
class FeedView {
  public:
    virtual ~FeedView() = default;
    /// One stored version of a record as this view shows it: one line of NDJSON, or several
    /// joined by newlines, without the last newline. Throws PersonalDataLeak (below) when it
    /// would show what it must not.
    virtual std::string render(const FeedEntry& entry) const = 0;
};

/// A record a view was about to show although it must not (a value shaped like an identity
/// code in a pseudonymised view): nothing of it is sent.
class PersonalDataLeak : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

/// What a view may be made from: the settings and keys of the gateway it serves.
struct FeedViewSetup {
    std::string pseudonymisedViewFile;  ///< feeds.pseudonymisedView
    std::string pseudonymKey;           ///< feeds.pseudonymKey, from the secrets file
    std::vector<std::string> entities;  ///< the regional entities that have feeds
    std::string codeDirectory;          ///< the regional code sets (schemas/v1/codes)
    std::string fhirBase;               ///< fhir.canonicalBase: the FHIR view's own URLs
};

/// One view, as it registers itself: its name (the feeds API's `view`), the token scope that
/// grants it, what it shows, and its factory. A token with feed:read may read every view.
struct FeedViewKind {
    using Factory = std::function<std::unique_ptr<FeedView>(const FeedViewSetup& setup)>;
    std::string name;
    std::string scope;
    std::string summary;
    Factory create;
};

/// The feed views by name, in the order they were added: a reader who names none gets the first
/// one its token allows.
class FeedViewRegistry {
  public:
    void add(FeedViewKind kind);
    const FeedViewKind* find(const std::string& name) const;
    const std::vector<FeedViewKind>& all() const { return kinds_; }

  private:
    std::vector<FeedViewKind> kinds_;
};

/// The registry holding every feed view built into the gateway (gateway/feeds/builtin.cpp).
const FeedViewRegistry& builtinFeedViews();

}  // namespace gw
