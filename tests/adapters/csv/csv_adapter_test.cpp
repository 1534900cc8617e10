#include "adapters/csv/csv_adapter.h"

#include <gtest/gtest.h>

#include <sstream>

#include "gateway/core/errors.h"

namespace gw {
namespace {

struct Read {
    std::vector<SourceRecord> records;
};

Read readAll(const std::string& text, nlohmann::json options = nlohmann::json::object()) {
    std::istringstream input(text);
    auto adapter = CsvAdapter::create(input, "export.csv", options);
    Read result;
    adapter->read([&](SourceRecord& record) {
        result.records.push_back(record);
        return true;
    });
    return result;
}

std::vector<std::string> values(const SourceRecord& record) {
    std::vector<std::string> out;
    for (const auto& field : record.fields) out.push_back(field.second);
    return out;
}

using Values = std::vector<std::string>;

TEST(CsvAdapter, ReadsSemicolonRowsWithTheHeaderAsFieldNames) {
    auto read = readAll("ID;NIMI\n1;a\n2;b\n");
    ASSERT_EQ(read.records.size(), 2u);
    EXPECT_EQ(*read.records[0].field("ID"), "1");
    EXPECT_EQ(*read.records[1].field("NIMI"), "b");
    EXPECT_EQ(read.records[1].position.line, 3u);
    EXPECT_EQ(read.records[1].position.record, 2u);
    EXPECT_EQ(read.records[1].position.input, "export.csv");
}

TEST(CsvAdapter, KeepsQuotedDelimitersQuotesAndLineBreaks) {
    auto read = readAll("A;B\n\"x;y\";\"say \"\"hi\"\"\"\n\"two\r\nlines\";z\n3;4\n");
    ASSERT_EQ(read.records.size(), 3u);
    EXPECT_EQ(values(read.records[0]), (Values{"x;y", "say \"hi\""}));
    EXPECT_EQ(values(read.records[1]), (Values{"two\r\nlines", "z"}));
    EXPECT_EQ(read.records[1].position.line, 3u);
    EXPECT_EQ(read.records[2].position.line, 5u)
        << "a row after a multi-line field has its own line";
}

TEST(CsvAdapter, KeepsSpacesAroundUnquotedFields) {
    auto read = readAll("A;B\n  x ; y\t\n");
    EXPECT_EQ(values(read.records[0]), (Values{"  x ", " y\t"}));
}

TEST(CsvAdapter, ReadsCrlfAndAFinalRowWithoutLineBreak) {
    auto read = readAll("A;B\r\n1;2\r\n3;4");
    ASSERT_EQ(read.records.size(), 2u);
    EXPECT_EQ(values(read.records[1]), (Values{"3", "4"}));
    EXPECT_FALSE(read.records[1].error);
}

TEST(CsvAdapter, SkipsBlankLinesButCountsThem) {
    auto read = readAll("A\n1\n\n\n2\n");
    ASSERT_EQ(read.records.size(), 2u);
    EXPECT_EQ(read.records[1].position.line, 5u);
}

TEST(CsvAdapter, ConfigurableDelimiterAndQuote) {
    auto read = readAll("A,B\n'x,y',z\n", {{"delimiter", ","}, {"quote", "'"}});
    EXPECT_EQ(values(read.records[0]), (Values{"x,y", "z"}));
}

TEST(CsvAdapter, WrongFieldCountIsAnErrorOfThatRowOnly) {
    auto read = readAll("A;B\n1;2\n1;2;3\n4\n5;6\n");
    ASSERT_EQ(read.records.size(), 4u);
    EXPECT_FALSE(read.records[0].error);
    ASSERT_TRUE(read.records[1].error);
    EXPECT_EQ(read.records[1].error->rule, "read.field-count");
    EXPECT_EQ(read.records[1].position.line, 3u);
    ASSERT_TRUE(read.records[2].error);
    EXPECT_EQ(read.records[2].error->rule, "read.field-count");
    EXPECT_FALSE(read.records[3].error);
    EXPECT_EQ(values(read.records[3]), (Values{"5", "6"}));
}

TEST(CsvAdapter, MalformedQuotingIsAnErrorAndTheNextLineReadsNormally) {
    auto read = readAll("A;B\n\"x\"y;1\n2;3\n");
    ASSERT_EQ(read.records.size(), 2u);
    ASSERT_TRUE(read.records[0].error);
    EXPECT_EQ(read.records[0].error->rule, "read.syntax");
    EXPECT_EQ(read.records[0].position.line, 2u);
    EXPECT_FALSE(read.records[1].error);
    EXPECT_EQ(values(read.records[1]), (Values{"2", "3"}));
    EXPECT_EQ(read.records[1].position.line, 3u);
}

TEST(CsvAdapter, AnUnterminatedQuoteAtTheEndIsAnError) {
    auto read = readAll("A;B\n1;2\n\"open;3\n");
    ASSERT_EQ(read.records.size(), 2u);
    ASSERT_TRUE(read.records[1].error);
    EXPECT_EQ(read.records[1].error->rule, "read.syntax");
}

TEST(CsvAdapter, DropsAUtf8ByteOrderMark) {
    auto read = readAll("\xEF\xBB\xBFID;X\n1;2\n");
    EXPECT_NE(read.records[0].field("ID"), nullptr);
}

TEST(CsvAdapter, ConvertsIso88591ToUtf8) {
    auto read = readAll("NIMI\nP\xE4ivi \xD6\n", {{"encoding", "iso-8859-1"}});
    EXPECT_EQ(values(read.records[0]), (Values{"P\xC3\xA4ivi \xC3\x96"}));
}

TEST(CsvAdapter, ConvertsWindows1252ToUtf8) {
    auto read = readAll("X\n\x80 \x96\n", {{"encoding", "windows-1252"}});
    EXPECT_EQ(values(read.records[0]),
              (Values{"\xE2\x82\xAC \xE2\x80\x93"}));  // euro sign, en dash
}

TEST(CsvAdapter, InvalidBytesAreAnErrorOfTheirRow) {
    auto read = readAll("X\nok\nbad \xFF here\nok\n");
    ASSERT_EQ(read.records.size(), 3u);
    EXPECT_FALSE(read.records[0].error);
    ASSERT_TRUE(read.records[1].error);
    EXPECT_EQ(read.records[1].error->rule, "read.encoding");
    EXPECT_NE(read.records[1].error->message.find("line 3"), std::string::npos);
    EXPECT_FALSE(read.records[2].error);

    auto cp1252 = readAll("X\n\x81\n", {{"encoding", "windows-1252"}});
    ASSERT_TRUE(cp1252.records[0].error) << "0x81 is undefined in Windows-1252";
}

TEST(CsvAdapter, ASequenceBrokenAtTheLineEndKeepsTheLineBreak) {
    auto read = readAll("X\nab\xF4\x80\ncd\n");
    ASSERT_EQ(read.records.size(), 2u);
    ASSERT_TRUE(read.records[0].error);
    EXPECT_EQ(read.records[0].error->rule, "read.encoding");
    EXPECT_EQ(read.records[1].position.line, 3u);
    EXPECT_EQ(*read.records[1].field("X"), "cd");
}

TEST(CsvAdapter, ReadsRowsLongerThanOneReadChunk) {
    std::string longValue(200 * 1024, 'x');
    auto read = readAll("A;B\n" + longValue + ";1\n\"" + longValue + "\n" + longValue + "\";2\n");
    ASSERT_EQ(read.records.size(), 2u);
    EXPECT_EQ(read.records[0].fields[0].second.size(), longValue.size());
    EXPECT_EQ(read.records[1].fields[0].second.size(), 2 * longValue.size() + 1);
    EXPECT_EQ(read.records[1].position.line, 3u);
}

TEST(CsvAdapter, ARowLargerThanTheLimitIsAnError) {
    std::string longValue(4096, 'x');
    auto read = readAll("A;B\n\"" + longValue + "\";1\n2;3\n", {{"maxRecordBytes", 1024}});
    ASSERT_EQ(read.records.size(), 2u);
    ASSERT_TRUE(read.records[0].error);
    EXPECT_EQ(read.records[0].error->rule, "read.record-too-large");
    EXPECT_EQ(values(read.records[1]), (Values{"2", "3"}));
}

TEST(CsvAdapter, ARowWithMoreColumnsThanTheCapIsAnErrorOfItsOwnAndKeepsNoFields) {
    std::string wide(3 * 5000, ';');  // 15 001 columns, plainly and quoted
    auto read = readAll("A;B\n" + wide + "\n\"x\";" + wide + "\n1;2\n");
    ASSERT_EQ(read.records.size(), 3u);
    for (int i : {0, 1}) {
        ASSERT_TRUE(read.records[i].error) << i;
        EXPECT_EQ(read.records[i].error->rule, "read.too-many-columns");
        EXPECT_TRUE(read.records[i].fields.empty());
    }
    EXPECT_EQ(values(read.records[2]), (Values{"1", "2"}));
    EXPECT_EQ(readAll("A;B\n1;2;3\n", {{"maxColumns", 2}}).records[0].error->rule,
              "read.too-many-columns");
    EXPECT_THROW(readAll(wide + "\n1\n"), InputError) << "a header past the cap ends the input";
}

TEST(CsvAdapter, AnEmptyInputHasNoRecords) {
    EXPECT_TRUE(readAll("").records.empty());
    EXPECT_TRUE(readAll("A;B\n").records.empty());
}

TEST(CsvAdapter, AnUnreadableHeaderStopsTheInput) {
    EXPECT_THROW(readAll("A;\"B\n"), InputError);
}

TEST(CsvAdapter, RejectsUnknownOptions) {
    EXPECT_THROW(readAll("A\n", {{"delimter", ";"}}), ConfigError);
    EXPECT_THROW(readAll("A\n", {{"encoding", "ebcdic"}}), ConfigError);
    EXPECT_THROW(readAll("A\n", {{"delimiter", ";;"}}), ConfigError);
}

}  // namespace
}  // namespace gw
