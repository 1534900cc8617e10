#include "adapters/json/json_adapter.h"

#include <gtest/gtest.h>

#include <sstream>

#include "gateway/core/errors.h"

namespace gw {
namespace {

struct Read {
    std::vector<SourceRecord> records;
    std::string failure;
};

Read readAll(const std::string& text, nlohmann::json options, std::size_t stopAfter = 0) {
    options["format"] = "json";
    std::istringstream input(text);
    auto adapter = JsonAdapter::create(input, "export.json", options);
    Read result;
    try {
        adapter->read([&](SourceRecord& record) {
            result.records.push_back(record);
            return stopAfter == 0 || result.records.size() < stopAfter;
        });
    } catch (const InputError& e) {
        result.failure = e.what();
    }
    return result;
}

TEST(JsonAdapter, ReadsTheArrayAtAPointerWithFieldsNamedByPointer) {
    std::string json = R"({"meta": {"clients": [0]},
 "data": {"clients": [
  {"hetu": "131052-308T", "episode": {"start": "2021-01-01", "days": 31, "rate": 2.50, "goals": true}},
  {"hetu": null, "goals": [{"text": "a"}, {"text": "b"}], "a/b": "slash"}
 ]}})";
    auto read = readAll(json, {{"records", "/data/clients"}});
    ASSERT_TRUE(read.failure.empty()) << read.failure;
    ASSERT_EQ(read.records.size(), 2u);
    const auto& first = read.records[0];
    EXPECT_EQ(*first.field("/hetu"), "131052-308T");
    EXPECT_EQ(*first.field("/episode/start"), "2021-01-01");
    EXPECT_EQ(*first.field("/episode/days"), "31");
    EXPECT_EQ(*first.field("/episode/rate"), "2.50") << "numbers keep their text";
    EXPECT_EQ(*first.field("/episode/goals"), "true");
    EXPECT_EQ(first.position.line, 3u);
    const auto& second = read.records[1];
    EXPECT_EQ(*second.field("/hetu"), "");
    EXPECT_EQ(*second.field("/goals/1/text"), "b");
    EXPECT_EQ(*second.field("/a~1b"), "slash");
    EXPECT_EQ(second.position.record, 2u);
}

TEST(JsonAdapter, ATopLevelArrayIsTheDefault) {
    auto read = readAll(R"([{"a": 1}, {"a": 2}, {"a": 3}])", nlohmann::json::object());
    ASSERT_EQ(read.records.size(), 3u);
    EXPECT_EQ(*read.records[2].field("/a"), "3");
}

TEST(JsonAdapter, NumbersKeepTheTextTheyWereWrittenAs) {
    auto read = readAll(R"([{"a": -0, "b": 1E3, "c": 18446744073709551616, "d": -12.500}])",
                        nlohmann::json::object());
    ASSERT_EQ(read.records.size(), 1u) << read.failure;
    EXPECT_EQ(*read.records[0].field("/a"), "-0");
    EXPECT_EQ(*read.records[0].field("/b"), "1E3");
    EXPECT_EQ(*read.records[0].field("/c"), "18446744073709551616");
    EXPECT_EQ(*read.records[0].field("/d"), "-12.500");
}

TEST(JsonAdapter, AByteOrderMarkIsSkippedInBothLayouts) {
    auto array = readAll("\xEF\xBB\xBF[{\"a\": 1}]", nlohmann::json::object());
    ASSERT_EQ(array.records.size(), 1u) << array.failure;
    EXPECT_EQ(*array.records[0].field("/a"), "1");
    auto lines = readAll("\xEF\xBB\xBF{\"a\": 1}\n{\"a\": 2}\n", {{"lines", true}});
    ASSERT_EQ(lines.records.size(), 2u);
    EXPECT_FALSE(lines.records[0].error) << lines.records[0].error->message;
    EXPECT_EQ(*lines.records[1].field("/a"), "2");
}

TEST(JsonAdapter, AValueThatIsNotAnObjectIsAnErrorOfThatRecord) {
    auto read = readAll(R"([{"a": 1}, 7, {"a": 2}])", nlohmann::json::object());
    ASSERT_EQ(read.records.size(), 3u);
    ASSERT_TRUE(read.records[1].error);
    EXPECT_EQ(read.records[1].error->rule, "read.not-an-object");
    EXPECT_FALSE(read.records[2].error);
}

TEST(JsonAdapter, MalformedJsonFailsAfterTheRecordsBeforeIt) {
    auto read = readAll("[{\"a\": 1},\n{\"a\": 2},\n{\"a\": }]", nlohmann::json::object());
    EXPECT_EQ(read.records.size(), 2u);
    EXPECT_NE(read.failure.find("line 3"), std::string::npos) << read.failure;
    EXPECT_NE(read.failure.find("after record 2"), std::string::npos) << read.failure;
}

TEST(JsonAdapter, AParseErrorNeverQuotesTheTextItStoppedAt) {
    auto unterminated = readAll("[{\"hetu\": \"131052-308T", nlohmann::json::object());
    ASSERT_FALSE(unterminated.failure.empty());
    EXPECT_EQ(unterminated.failure.find("131052"), std::string::npos) << unterminated.failure;
    auto line = readAll("{\"nimi\": \"Matti Meik\u00e4l\u00e4inen\" x}\n", {{"lines", true}});
    ASSERT_EQ(line.records.size(), 1u);
    ASSERT_TRUE(line.records[0].error);
    EXPECT_EQ(line.records[0].error->message.find("Matti"), std::string::npos)
        << line.records[0].error->message;
}

TEST(JsonAdapter, InvalidUtf8FailsTheInput) {
    auto read = readAll("[{\"a\": \"\xFF\"}]", nlohmann::json::object());
    EXPECT_FALSE(read.failure.empty());
}

TEST(JsonAdapter, NdjsonReadsOneRecordPerLineAndAMalformedLineIsItsOwnError) {
    auto read = readAll("{\"a\": 1}\n\n{\"a\": \n{\"a\": 3}\n{\"a\": 4} {}", {{"lines", true}});
    ASSERT_EQ(read.records.size(), 4u) << read.failure;
    EXPECT_EQ(*read.records[0].field("/a"), "1");
    ASSERT_TRUE(read.records[1].error);
    EXPECT_EQ(read.records[1].error->rule, "read.syntax");
    EXPECT_EQ(read.records[1].position.line, 3u);
    EXPECT_EQ(read.records[1].position.record, 2u);
    EXPECT_EQ(*read.records[2].field("/a"), "3");
    EXPECT_EQ(read.records[2].position.line, 4u);
    EXPECT_EQ(read.records[2].position.record, 3u);
    ASSERT_TRUE(read.records[3].error) << "a line holds one value, nothing after it";
    EXPECT_EQ(read.records[3].error->rule, "read.syntax");
}

TEST(JsonAdapter, RecordsLargerThanTheLimitAreErrorsOfTheirOwn) {
    std::string big(5000, 'x');
    auto array = readAll("[{\"a\": \"" + big + "\"}, {\"a\": 2}]", {{"maxRecordBytes", 1000}});
    ASSERT_EQ(array.records.size(), 2u) << array.failure;
    ASSERT_TRUE(array.records[0].error);
    EXPECT_EQ(array.records[0].error->rule, "read.record-too-large");
    EXPECT_TRUE(array.records[0].fields.empty());
    EXPECT_FALSE(array.records[1].error);

    auto lines = readAll("{\"a\": \"" + big + "\"}\n{\"a\": 2}\n",
                         {{"lines", true}, {"maxRecordBytes", 1000}});
    ASSERT_EQ(lines.records.size(), 2u);
    EXPECT_EQ(lines.records[0].error->rule, "read.record-too-large");
    EXPECT_EQ(*lines.records[1].field("/a"), "2");
}

TEST(JsonAdapter, AValueTooLongToHoldEndsTheFileAfterTheRecordsBeforeIt) {
    // 8 × maxRecordBytes is the longest run the parser is let buffer; this string is longer and
    // spans several of the source's 256 KiB chunks.
    std::string huge(700 * 1024, 'x');
    auto read = readAll("[{\"a\": 1},\n{\"a\": \"" + huge + "\"}, {\"a\": 3}]",
                        {{"maxRecordBytes", 32 * 1024}});
    ASSERT_EQ(read.records.size(), 1u);
    EXPECT_EQ(*read.records[0].field("/a"), "1");
    EXPECT_NE(read.failure.find("line 2, after record 1"), std::string::npos) << read.failure;
    EXPECT_NE(read.failure.find("a single value runs longer than 262144 bytes"), std::string::npos)
        << read.failure;
    // Just under the run limit it is an error of its own record, and reading goes on.
    std::string large(200 * 1024, 'x');
    auto under = readAll("[{\"a\": 1},\n{\"a\": \"" + large + "\"}, {\"a\": 3}]",
                         {{"maxRecordBytes", 32 * 1024}});
    ASSERT_EQ(under.records.size(), 3u) << under.failure;
    EXPECT_EQ(under.records[1].error->rule, "read.record-too-large");
    EXPECT_EQ(*under.records[2].field("/a"), "3");
}

TEST(JsonAdapter, RefusesANestingBomb) {
    std::string bomb = "[" + std::string(100000, '[') + std::string(100000, ']') + "]";
    auto read = readAll(bomb, nlohmann::json::object());
    EXPECT_NE(read.failure.find("deeper than 64"), std::string::npos) << read.failure;
}

TEST(JsonAdapter, StopsWhenTheHandlerSaysSo) {
    auto read = readAll(R"([{"a": 1}, {"a": 2}, {"a": 3}])", nlohmann::json::object(), 2);
    EXPECT_EQ(read.records.size(), 2u);
    EXPECT_TRUE(read.failure.empty());
}

TEST(JsonAdapter, ThePointerMustNameAnArray) {
    auto read = readAll(R"({"data": {"a": 1}})", {{"records", "/data"}});
    EXPECT_NE(read.failure.find("not an array"), std::string::npos) << read.failure;
    EXPECT_THROW(readAll("[]", {{"records", "no-slash"}}), ConfigError);
    EXPECT_THROW(readAll("[]", {{"records", "/a"}, {"lines", true}}), ConfigError);
}

}  // namespace
}  // namespace gw
