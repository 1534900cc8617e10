// gatewayctl parse: how the gateway reads an export, record by record.
#include <Poco/TemporaryFile.h>
#include <gtest/gtest.h>

#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "process.h"

namespace gw::test {
namespace {

std::vector<nlohmann::json> lines(const std::string& ndjson) {
    std::vector<nlohmann::json> records;
    std::istringstream text(ndjson);
    for (std::string line; std::getline(text, line);)
        records.push_back(nlohmann::json::parse(line));
    return records;
}

TEST(GatewayctlParse, PrintsPositionAndFieldsAndReportsMalformedRecordsWithExit1) {
    Poco::TemporaryFile file;
    std::ofstream(file.path()) << "A;B\n1;\"x;y\"\n2;3;4\n5;6\n";
    ProcessResult run = runProcess(GATEWAYCTL_PATH, {"parse", "--format", "csv", file.path()});
    EXPECT_EQ(run.exitCode, 1);
    auto records = lines(run.out);
    ASSERT_EQ(records.size(), 2u);
    EXPECT_EQ(records[0]["fields"]["B"], "x;y");
    EXPECT_EQ(records[0]["position"]["line"], 2);
    EXPECT_EQ(records[1]["position"]["line"], 4);
    EXPECT_NE(run.err.find("read.field-count"), std::string::npos) << run.err;
    EXPECT_NE(run.err.find("\"line\":3"), std::string::npos) << run.err;
}

TEST(GatewayctlParse, ReadsXmlAndJsonWithTheirOptions) {
    Poco::TemporaryFile xml, json;
    std::ofstream(xml.path())
        << "<v:e xmlns:v='urn:x'><v:r id='1'><v:h>a</v:h></v:r><v:r id='2'/></v:e>";
    std::ofstream(json.path()) << R"({"data": [{"h": "a"}, {"h": "b"}]})";
    ProcessResult fromXml = runProcess(
        GATEWAYCTL_PATH, {"parse", "--format", "xml", "--records", "/v:e/v:r", "--namespace",
                          "v=urn:x", "--field", "h=v:h", "--field", "id=@id", xml.path()});
    EXPECT_EQ(fromXml.exitCode, 0) << fromXml.err;
    auto xmlRecords = lines(fromXml.out);
    ASSERT_EQ(xmlRecords.size(), 2u);
    EXPECT_EQ(xmlRecords[0]["fields"]["h"], "a");
    EXPECT_EQ(xmlRecords[1]["fields"]["id"], "2");

    ProcessResult fromJson = runProcess(
        GATEWAYCTL_PATH, {"parse", "--format", "json", "--records", "/data", json.path()});
    EXPECT_EQ(fromJson.exitCode, 0) << fromJson.err;
    auto jsonRecords = lines(fromJson.out);
    ASSERT_EQ(jsonRecords.size(), 2u);
    EXPECT_EQ(jsonRecords[1]["fields"]["/h"], "b");
}

TEST(GatewayctlParse, AnInputThatCannotBeReadToItsEndExitsOne) {
    Poco::TemporaryFile file;
    std::ofstream(file.path()) << "[{\"a\": 1}, {\"a\": ";
    ProcessResult run = runProcess(GATEWAYCTL_PATH, {"parse", "--format", "json", file.path()});
    EXPECT_EQ(run.exitCode, 1);
    EXPECT_EQ(lines(run.out).size(), 1u) << "the record before the fault is shown";
    EXPECT_NE(run.err.find("stopped"), std::string::npos) << run.err;
}

TEST(GatewayctlParse, UsageErrorsExitTwo) {
    EXPECT_EQ(runProcess(GATEWAYCTL_PATH, {"parse", "x.csv"}).exitCode, 2)
        << "--format is required";
    EXPECT_EQ(runProcess(GATEWAYCTL_PATH, {"parse", "--format", "yaml", "/dev/null"}).exitCode, 2);
    EXPECT_EQ(
        runProcess(GATEWAYCTL_PATH, {"parse", "--format", "csv", "--delimiter", ";;", "/dev/null"})
            .exitCode,
        2);
    EXPECT_EQ(runProcess(GATEWAYCTL_PATH, {"parse", "--format", "xml", "/dev/null"}).exitCode, 2)
        << "no --records";
    EXPECT_EQ(
        runProcess(GATEWAYCTL_PATH, {"parse", "--format", "csv", "/nonexistent.csv"}).exitCode, 2);
    ProcessResult help = runProcess(GATEWAYCTL_PATH, {"parse", "--help"});
    EXPECT_EQ(help.exitCode, 0);
    for (const char* option :
         {"--delimiter", "--encoding", "--records", "--namespace", "--field", "--lines"}) {
        EXPECT_NE(help.out.find(option), std::string::npos) << option;
    }
}

}  // namespace
}  // namespace gw::test
