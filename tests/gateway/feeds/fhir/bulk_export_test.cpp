#include "gateway/feeds/fhir/bulk_export.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <Poco/Timespan.h>
#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <thread>

namespace gw {
namespace {

using State = BulkExports::Status::State;

BulkExports::Status waitForEnd(const BulkExports& exports, const std::string& id) {
    for (int i = 0; i < 200; ++i) {
        auto status = exports.status(id, "county");
        if (!status || status->state != State::running)
            return status.value_or(BulkExports::Status{});
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ADD_FAILURE() << "the export did not end";
    return {};
}

TEST(BulkExports, WritesOneFileOfLinesPerTypeForItsOwnerAlone) {
    Poco::TemporaryFile folder;
    BulkExports exports({folder.path(), std::chrono::seconds(3600), 2});
    std::string id = exports.start("county", "fhir", "2026-01-01T00:00:00.000000Z", "/fhir/$export",
                                   [](const auto& write) {
                                       write("Patient", "{\"a\":1}");
                                       write("Goal", "{\"b\":2}");
                                       write("Patient", "{\"a\":3}");
                                   });
    auto status = waitForEnd(exports, id);
    EXPECT_EQ(status.state, State::done);
    ASSERT_EQ(status.outputs.size(), 2u);
    std::string path = exports.file(id, "county", "Patient");
    std::ifstream file(path);
    std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
    EXPECT_EQ(text, "{\"a\":1}\n{\"a\":3}\n");
    EXPECT_FALSE(exports.status(id, "someone else"));
    EXPECT_EQ(exports.file(id, "someone else", "Patient"), "");
    EXPECT_EQ(exports.file(id, "county", "Encounter"), "") << "a type it did not write";
    EXPECT_FALSE(exports.remove(id, "someone else"));
    EXPECT_TRUE(exports.remove(id, "county"));
    EXPECT_FALSE(Poco::File(path).exists());
}

TEST(BulkExports, AFailedExportSaysWhyAndTooManyAtOnceAreRefused) {
    Poco::TemporaryFile folder;
    BulkExports exports({folder.path(), std::chrono::seconds(3600), 1});
    std::atomic<bool> release{false};
    std::string slow = exports.start("county", "fhir", "t", "r", [&](const auto&) {
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(5));
        throw std::runtime_error("the store went away");
    });
    EXPECT_THROW(exports.start("county", "fhir", "t", "r", [](const auto&) {}), TooManyExports);
    release = true;
    auto status = waitForEnd(exports, slow);
    EXPECT_EQ(status.state, State::failed);
    EXPECT_EQ(status.error, "the store went away");
}

TEST(BulkExports, FilesAreDeletedOnceTheirTimeIsUp) {
    Poco::TemporaryFile folder;
    Poco::File(folder.path()).createDirectories();
    // What an earlier run left behind, long expired.
    std::string left = folder.path() + "/0123456789abcdef0123456789abcdef";
    Poco::File(left).createDirectories();
    Poco::File(left).setLastModified(Poco::Timestamp() - Poco::Timespan(7200, 0));
    BulkExports exports({folder.path(), std::chrono::seconds(1), 2});
    EXPECT_FALSE(Poco::File(left).exists());
    std::string id = exports.start("county", "fhir", "t", "r",
                                   [](const auto& write) { write("Patient", "{}"); });
    waitForEnd(exports, id);
    std::string path = exports.file(id, "county", "Patient");
    EXPECT_TRUE(Poco::File(path).exists());
    bool gone = false;
    for (int i = 0; i < 100 && !gone; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        gone = !exports.status(id, "county") && !Poco::File(path).exists();
    }
    EXPECT_TRUE(gone) << "expired after a second";
}

}  // namespace
}  // namespace gw
