// A feed view added without touching the gateway: a class and one registration line, here in
// the test; the feed service pages, renders and audits through it like a built-in view.
#include "gateway/feeds/feed_service.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <stdexcept>

#include "gateway/store/sqlite/sqlite_store.h"

namespace gw {
namespace {

/// Shows only which entity a record is and how long its stored text is.
class LengthView final : public FeedView {
  public:
    static FeedViewKind kind() {
        return {"lengths", "feed:lengths", "the length of each stored record",
                [](const FeedViewSetup&) { return std::make_unique<LengthView>(); }};
    }
    std::string render(const FeedEntry& entry) const override {
        return R"({"length":)" + std::to_string(entry.body.size()) + "}";
    }
};

class FeedServiceTest : public ::testing::Test {
  protected:
    void SetUp() override {
        Poco::File(folder_.path()).createDirectories();
        store_ = std::make_unique<SqliteStore>(folder_.path() + "/gateway.db");
        registry_ = builtinFeedViews();
        registry_.add(LengthView::kind());  // the one registration line
        auto sink = store_->openSink(store_->beginTransfer("test", "536", "x.csv", "test"));
        for (int i = 1; i <= 3; ++i) {
            nlohmann::json body{{"organiserMunicipality", "536"},
                                {"provenance",
                                 {{"sourceMunicipality", "536"},
                                  {"sourceSystem", "effica"},
                                  {"record", i},
                                  {"contentHash", "h" + std::to_string(i)}}}};
            body["note"] = std::string(static_cast<std::size_t>(i) * 10, 'x');
            writeRecords(*sink,
                         {{"service_episode", "E" + std::to_string(i), RecordBody::fromJson(body),
                           Provenance::fromJson(body["provenance"]), body.dump()}});
            texts_.push_back(body.dump());
        }
        sink->commit();
    }

    FeedService service() {
        return FeedService(
            *store_, *store_, registry_,
            {std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1/pseudonymised-view.json",
             std::string(40, 'k'),
             {"client", "client_plan", "service_episode", "work_placement", "feedback"},
             std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1/codes",
             "https://gateway.example/fhir"},
            1 << 20);
    }

    Poco::TemporaryFile folder_;
    std::unique_ptr<SqliteStore> store_;
    FeedViewRegistry registry_;
    std::vector<std::string> texts_;
};

TEST_F(FeedServiceTest, AViewRegisteredByNameIsChosenByItsScopeAndServesAudited) {
    FeedService feeds = service();
    auto only = [](std::string held) {
        return [held](const std::string& scope) { return scope == held; };
    };
    ASSERT_NE(feeds.viewFor("", only("feed:lengths")), nullptr);
    EXPECT_EQ(feeds.viewFor("", only("feed:lengths"))->name, "lengths");
    EXPECT_EQ(feeds.viewFor("", only("feed:read"))->name, "full") << "the first view it allows";
    EXPECT_EQ(feeds.viewFor("lengths", only("feed:read"))->name, "lengths")
        << "feed:read may ask for any view";
    EXPECT_EQ(feeds.viewFor("full", only("feed:lengths"))->name, "lengths")
        << "a view the token does not allow is never given";
    EXPECT_EQ(feeds.viewFor("", only("audit:read")), nullptr);
    EXPECT_FALSE(feeds.readable(only("audit:read")));
    EXPECT_THROW(feeds.viewFor("nothing", only("feed:read")), std::invalid_argument);

    FeedRead reader;
    reader.reader = "county";
    auto page = feeds.open("service_episode", "lengths", 0, 2, reader);
    EXPECT_EQ(page.entries(), 2u);
    std::string lines;
    while (!page.done()) lines += page.nextPart();
    EXPECT_EQ(lines, R"({"length":)" + std::to_string(texts_[0].size()) + "}\n" + R"({"length":)" +
                         std::to_string(texts_[1].size()) + "}\n");

    auto rest = feeds.open("service_episode", "lengths", page.last(), 10, reader);
    EXPECT_EQ(rest.entries(), 1u);
    auto audit = store_->listFeedReads(0, 10);
    ASSERT_EQ(audit.size(), 2u);
    EXPECT_EQ(audit[0].view, "lengths");
    EXPECT_EQ(audit[0].reader, "county");
    EXPECT_EQ(audit[0].records, 2);
    EXPECT_EQ(audit[1].after, page.last());
}

}  // namespace
}  // namespace gw
