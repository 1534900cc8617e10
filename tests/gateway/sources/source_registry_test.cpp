// A source kind added without touching the gateway: a class and one registration line, here in
// the test. The kind copies a local file into the spool as each transfer's own input.
#include "gateway/sources/source_registry.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Util/PropertyFileConfiguration.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "gateway/core/errors.h"
#include "gateway/store/sqlite/sqlite_store.h"
#include "gateway/transfers/transfer_runner.h"

namespace gw {
namespace {

class CopySource final : public Source {
  public:
    CopySource(SourceSettings settings, Mapping mapping, const SourceOptions& options)
        : Source(std::move(settings), std::move(mapping)),
          from_(options.text("from")),
          spool_(options.spoolDirectory()) {}

    static SourceKind kind() {
        return {"copy",
                "a copy of a local file, made anew for each transfer",
                {{"from", "", true, true, "the file copied"}},
                "every 1h",
                factoryOf<CopySource>()};
    }

    std::optional<std::string> requestedInput() const override { return "copy"; }
    std::string inputPath(std::int64_t id, const std::string&) const override {
        return spool_ + "/" + name() + "-" + std::to_string(id) + ".csv";
    }
    std::string fetch(const std::string& path, TransferLog&,
                      const std::atomic<bool>*) const override {
        Poco::File(spool_).createDirectories();
        Poco::File(from_).copyTo(path);
        return "";
    }
    void settle(const TransferInfo&, const OpenedInput& input, TransferLog&) const override {
        Poco::File(input.path).remove();
        ++settled;
    }
    /// Nothing is kept: a copy is made anew for each run.
    std::vector<std::string> keptPaths(const TransferInfo&) const override { return {}; }

    static inline int settled = 0;

  private:
    std::string from_, spool_;
};

class SourceRegistryTest : public ::testing::Test {
  protected:
    void SetUp() override {
        Poco::File(folder_.path()).createDirectories();
        registry_ = builtinSources();
        registry_.add(CopySource::kind());  // the one registration line
    }

    GatewaySettings settingsOf(const std::string& properties) {
        std::istringstream text("store.connection = gateway.db\n" + properties);
        Poco::AutoPtr<Poco::Util::PropertyFileConfiguration> config(
            new Poco::Util::PropertyFileConfiguration(text));
        config->setString("schemas.directory", std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1");
        config->setString("schemas.mapping",
                          std::string(GATEWAY_SOURCE_DIR) + "/schemas/mapping.schema.json");
        return GatewaySettings::read(*config, folder_.path());
    }

    const std::string mapping_ = std::string(GATEWAY_SOURCE_DIR) + "/mappings/nokia.json";
    const std::string export_ =
        std::string(GATEWAY_SOURCE_DIR) + "/samples/nokia/asiakastiedot.csv";
    Poco::TemporaryFile folder_;
    SourceRegistry registry_;
};

TEST_F(SourceRegistryTest, AKindRegisteredByNameRunsTransfersLikeABuiltInOne) {
    GatewaySettings settings = settingsOf(
        "sources = copied\nsource.copied.kind = copy\n"
        "source.copied.mapping = " +
        mapping_ + "\nsource.copied.from = " + export_ + "\n");
    SqliteStore store(folder_.path() + "/gateway.db");
    RegionalKeys keys(std::string(64, '7'));
    TransferRunner runner(settings, store, keys, registry_);

    const Source* copied = runner.sources().find("copied");
    ASSERT_NE(copied, nullptr);
    EXPECT_EQ(copied->settings().schedule, "every 1h") << "the kind's default schedule";
    int settledBefore = CopySource::settled;
    TransferInfo transfer = runner.run(*copied);
    EXPECT_EQ(transfer.state, "succeeded") << transfer.error;
    EXPECT_GT(transfer.counts.read, 0u);
    EXPECT_TRUE(transfer.counts.addsUp());
    EXPECT_EQ(transfer.input, "copy");
    EXPECT_EQ(CopySource::settled, settledBefore + 1);
    EXPECT_FALSE(Poco::File(copied->inputPath(transfer.id, "copy")).exists());
}

TEST_F(SourceRegistryTest, AKindChecksItsOwnKeysAndNamesTheKeyAtFault) {
    SqliteStore store(folder_.path() + "/gateway.db");
    RegionalKeys keys(std::string(64, '7'));
    GatewaySettings missing = settingsOf(
        "sources = copied\nsource.copied.kind = copy\n"
        "source.copied.mapping = " +
        mapping_ + "\n");
    try {
        TransferRunner runner(missing, store, keys, registry_);
        FAIL() << "a source without its required key was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("source.copied.from: missing"), std::string::npos)
            << e.what();
    }
    GatewaySettings unknown = settingsOf(
        "sources = copied\nsource.copied.kind = copy\n"
        "source.copied.mapping = " +
        mapping_ + "\nsource.copied.from = " + export_ + "\nsource.copied.form = typo\n");
    EXPECT_EQ(registry_.unknownKeys(unknown.sources.at(0)),
              std::vector<std::string>{"source.copied.form"});
    // Without the registration line, the kind is unknown, and the message lists what there is.
    try {
        TransferRunner runner(unknown, store, keys, builtinSources());
        FAIL() << "an unknown kind was accepted";
    } catch (const ConfigError& e) {
        EXPECT_NE(std::string(e.what()).find("source.copied.kind: unknown kind 'copy' (this "
                                             "build has: drop, file, pull, push)"),
                  std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace gw
