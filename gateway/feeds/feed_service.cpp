#include "gateway/feeds/feed_service.h"

#include <algorithm>
#include <stdexcept>

namespace gw {
namespace {

// Records rendered at once: few enough that a part stays small whatever the records' size.
constexpr std::size_t kRecordsPerPart = 64;

}  // namespace

FeedService::Page::Page(RecordStore& records, const FeedView& view, std::string entity,
                        std::int64_t after, FeedPage planned)
    : records_(records),
      view_(view),
      entity_(std::move(entity)),
      cursor_(after),
      last_(planned.last),
      entries_(planned.entries),
      left_(planned.entries) {}

std::string FeedService::Page::render() {
    std::string lines;
    auto entries = records_.readFeed(entity_, cursor_, std::min(left_, kRecordsPerPart));
    for (const auto& entry : entries) {
        lines += view_.render(entry);
        lines += '\n';
    }
    left_ = entries.empty() ? 0 : left_ - entries.size();
    if (!entries.empty()) cursor_ = entries.back().seq;
    return lines;
}

std::string FeedService::Page::nextPart() {
    if (!first_.empty()) return std::exchange(first_, std::string());
    return left_ > 0 ? render() : std::string();
}

FeedService::FeedService(RecordStore& records, FeedReadAudit& audit,
                         const FeedViewRegistry& registry, const FeedViewSetup& setup,
                         std::size_t maxPageBytes)
    : records_(records),
      audit_(audit),
      registry_(registry),
      entities_(setup.entities),
      maxPageBytes_(maxPageBytes) {
    for (const auto& kind : registry.all()) views_[kind.name] = kind.create(setup);
}

bool FeedService::hasFeed(const std::string& entity) const {
    return std::find(entities_.begin(), entities_.end(), entity) != entities_.end();
}

bool FeedService::readable(const std::function<bool(const std::string&)>& holds) const {
    return viewFor("", holds) != nullptr;
}

const FeedViewKind* FeedService::viewFor(
    const std::string& asked, const std::function<bool(const std::string&)>& holds) const {
    auto allowed = [&](const FeedViewKind& kind) {
        return holds("feed:read") || holds(kind.scope);
    };
    if (!asked.empty()) {
        const FeedViewKind* named = registry_.find(asked);
        if (!named) throw std::invalid_argument("no feed view is called '" + asked + "'");
        if (allowed(*named)) return named;
    }
    for (const auto& kind : registry_.all()) {
        if (allowed(kind)) return &kind;
    }
    return nullptr;
}

FeedService::Page FeedService::open(const std::string& entity, const std::string& view,
                                    std::int64_t after, std::size_t limit, FeedRead read) {
    Page page(records_, *views_.at(view), entity, after,
              records_.planFeedPage(entity, after, limit, maxPageBytes_));
    // The first part is made before the read is audited and anything is sent, so that a leak
    // there is a clean refusal.
    page.first_ = page.render();
    read.entity = entity;
    read.view = view;
    read.after = after;
    read.last = page.last_;
    read.records = static_cast<std::int64_t>(page.entries_);
    audit_.logFeedRead(read);
    return page;
}

}  // namespace gw
