#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>

#include "gateway/feeds/feed_view.h"
#include "gateway/store/feed_read_audit.h"
#include "gateway/store/record_store.h"

namespace gw {

/// Serves the county feeds: pages of an entity's stored versions after a cursor, in commit
/// order, as one of the registered views shows them, with each read written to the audit log
/// before anything of it is sent. Pages are planned first and rendered a few records at a time,
/// so that memory stays bounded whatever the records' size.
class FeedService {
  public:
    /// One page of a feed being read: its extent, and its records as NDJSON, part by part.
    class Page {
      public:
        std::int64_t last() const { return last_; }  ///< the cursor after the page
        std::size_t entries() const { return entries_; }
        bool done() const { return first_.empty() && left_ == 0; }
        /// The next part of the page; throws PersonalDataLeak, after which the page must not be
        /// ended as if complete.
        std::string nextPart();

      private:
        friend class FeedService;
        Page(RecordStore& records, const FeedView& view, std::string entity, std::int64_t after,
             FeedPage planned);
        std::string render();

        RecordStore& records_;
        const FeedView& view_;
        std::string entity_;
        std::int64_t cursor_;
        std::int64_t last_;
        std::size_t entries_;
        std::size_t left_;
        std::string first_;  ///< rendered before the read was audited
    };

    /// Makes every view of `registry`; throws ConfigError for one that cannot be made.
    FeedService(RecordStore& records, FeedReadAudit& audit, const FeedViewRegistry& registry,
                const FeedViewSetup& setup, std::size_t maxPageBytes);

    bool hasFeed(const std::string& entity) const;
    /// Whether `holds` (does the reader have this scope?) allows some view.
    bool readable(const std::function<bool(const std::string&)>& holds) const;
    /// The view a reader gets: the one it names when its scopes allow that, else the first view
    /// they allow (feed:read allows every view); null when none. Throws std::invalid_argument
    /// for a name no view has.
    const FeedViewKind* viewFor(const std::string& asked,
                                const std::function<bool(const std::string&)>& holds) const;
    /// Opens the page of at most `limit` records of `entity` after `after` in `view`, renders its
    /// first part, and writes `read` (who and from where), completed with what the page holds,
    /// to the audit log. Throws PersonalDataLeak, with nothing audited as read; throws when the
    /// read cannot be audited, so that it is not served.
    Page open(const std::string& entity, const std::string& view, std::int64_t after,
              std::size_t limit, FeedRead read);

  private:
    RecordStore& records_;
    FeedReadAudit& audit_;
    const FeedViewRegistry& registry_;
    std::map<std::string, std::unique_ptr<FeedView>> views_;
    std::vector<std::string> entities_;
    std::size_t maxPageBytes_;
};

}  // namespace gw
