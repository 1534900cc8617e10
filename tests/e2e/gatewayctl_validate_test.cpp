// gatewayctl validate: the whole configuration checked before anything runs, every problem named
// by its key; gatewayd runs the same check at start.
#include <Poco/File.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "process.h"

namespace gw::test {
namespace {

const std::string kMappings = std::string(GATEWAY_SOURCE_DIR) + "/mappings/";

/// The problems `gatewayctl validate --json` finds, as key → message (errors only), and its exit
/// code.
struct Validation {
    int exitCode = -1;
    std::map<std::string, std::string> errors;
    std::map<std::string, std::string> warnings;
};

Validation validate(const std::string& configFile) {
    ProcessResult run = runProcess(GATEWAYCTL_PATH, {"validate", "--json", "--config", configFile});
    Validation result;
    result.exitCode = run.exitCode;
    std::istringstream lines(run.out);
    for (std::string line; std::getline(lines, line);) {
        auto problem = nlohmann::json::parse(line);
        auto& into = problem["severity"] == "warning" ? result.warnings : result.errors;
        into[problem["key"].get<std::string>()] = problem["message"].get<std::string>();
    }
    return result;
}

/// A workspace whose sources are `sources` (name → its keys, kind included).
GatewayWorkspace workspaceWith(
    const std::map<std::string, std::map<std::string, std::string>>& sources) {
    std::map<std::string, std::string> config;
    std::string names;
    for (const auto& [name, keys] : sources) {
        names += (names.empty() ? "" : ",") + name;
        for (const auto& [key, value] : keys) config["source." + name + "." + key] = value;
    }
    config["sources"] = names;
    return GatewayWorkspace({}, config);
}

TEST(GatewayctlValidate, TheBundledSamplesConfigurationHasNoProblem) {
    GatewayWorkspace workspace({"nokia", "akaa", "tampere"});
    ProcessResult run =
        runProcess(GATEWAYCTL_PATH, {"validate", "--config", workspace.configFile()});
    EXPECT_EQ(run.exitCode, 0) << run.out << run.err;
    EXPECT_NE(run.out.find("0 error(s), 0 warning(s)"), std::string::npos) << run.out;
    ProcessResult bundled = runProcess(
        GATEWAYCTL_PATH,
        {"validate", "--config", std::string(GATEWAY_SOURCE_DIR) + "/config/gateway.properties"});
    EXPECT_EQ(bundled.exitCode, 0) << bundled.out << bundled.err;
}

TEST(GatewayctlValidate, AnUnknownKindIsNamedWithTheKindsThereAre) {
    auto workspace =
        workspaceWith({{"a", {{"kind", "ftp"}, {"mapping", kMappings + "nokia.json"}}}});
    auto found = validate(workspace.configFile());
    EXPECT_EQ(found.exitCode, 1);
    ASSERT_TRUE(found.errors.count("source.a.kind")) << found.errors.size();
    EXPECT_NE(found.errors["source.a.kind"].find("unknown kind 'ftp' (this build has: drop, file, "
                                                 "pull, push)"),
              std::string::npos)
        << found.errors["source.a.kind"];
}

TEST(GatewayctlValidate, AMissingMappingAndABrokenMappingAreNamed) {
    GatewayWorkspace scratch({});
    std::string broken = scratch.folder() + "/broken.json";
    std::ofstream(broken) << R"({"name": "broken", "municipality": "536"})";
    auto workspace = workspaceWith(
        {{"gone", {{"kind", "file"}, {"path", "x.csv"}, {"mapping", "/nonexistent/mapping.json"}}},
         {"bad", {{"kind", "file"}, {"path", "x.csv"}, {"mapping", broken}}}});
    auto found = validate(workspace.configFile());
    EXPECT_EQ(found.exitCode, 1);
    ASSERT_TRUE(found.errors.count("source.gone.mapping"));
    EXPECT_NE(found.errors["source.gone.mapping"].find("/nonexistent/mapping.json"),
              std::string::npos);
    ASSERT_TRUE(found.errors.count("source.bad.mapping"));
    EXPECT_NE(found.errors["source.bad.mapping"].find("broken.json"), std::string::npos)
        << found.errors["source.bad.mapping"];

    // A source with no mapping at all stops the reading of the settings: named all the same.
    auto unset =
        validate(workspaceWith({{"unset", {{"kind", "file"}, {"path", "x.csv"}}}}).configFile());
    EXPECT_EQ(unset.exitCode, 1);
    EXPECT_TRUE(unset.errors.count("source.unset.mapping")) << unset.errors.size();
}

TEST(GatewayctlValidate, ASchemaKeywordTheCompilerDoesNotImplementIsNamedWhereItIs) {
    // The regional schema with one edit: dates also checked by `format`, which the schema
    // compiler does not implement. Checking less than the schema says would be silent.
    GatewayWorkspace scratch({});
    std::string schemas = scratch.folder() + "/schemas";
    Poco::File(std::string(GATEWAY_SOURCE_DIR) + "/schemas/v1").copyTo(schemas);
    std::string common = schemas + "/common.schema.json";
    nlohmann::json edited = nlohmann::json::parse(std::ifstream(common));
    edited["definitions"]["date"]["format"] = "date";
    std::ofstream(common) << edited.dump(2);

    GatewayWorkspace workspace({"nokia"}, {{"schemas.directory", schemas}});
    auto found = validate(workspace.configFile());
    EXPECT_EQ(found.exitCode, 1);
    ASSERT_TRUE(found.errors.count("schemas.directory")) << found.errors.size();
    EXPECT_NE(found.errors["schemas.directory"].find(
                  "common.schema.json: at '/definitions/date/format': keyword 'format' is not one "
                  "the regional schema compiler implements"),
              std::string::npos)
        << found.errors["schemas.directory"];
    // gatewayd runs the same check and does not start (78: a configuration error).
    ProcessResult daemon =
        runProcess(GATEWAYD_PATH, {"--config", workspace.configFile(), "--run-once"});
    EXPECT_EQ(daemon.exitCode, 78) << daemon.out << daemon.err;
}

TEST(GatewayctlValidate, TwoDropSourcesOnOneFolderAreAProblem) {
    auto workspace = workspaceWith(
        {{"first", {{"kind", "drop"}, {"folder", "inbox"}, {"mapping", kMappings + "nokia.json"}}},
         {"second",
          {{"kind", "drop"}, {"folder", "./inbox"}, {"mapping", kMappings + "akaa.json"}}}});
    auto found = validate(workspace.configFile());
    EXPECT_EQ(found.exitCode, 1);
    ASSERT_TRUE(found.errors.count("source.second")) << found.errors.size();
    EXPECT_NE(found.errors["source.second"].find("which source first takes already"),
              std::string::npos)
        << found.errors["source.second"];
}

TEST(GatewayctlValidate, TwoPushSourcesForOneMunicipalityAndDatasetAreAProblem) {
    auto workspace = workspaceWith(
        {{"p1", {{"kind", "push"}, {"dataset", "jaksot"}, {"mapping", kMappings + "nokia.json"}}},
         {"p2", {{"kind", "push"}, {"dataset", "jaksot"}, {"mapping", kMappings + "nokia.json"}}},
         {"p3", {{"kind", "push"}, {"dataset", "jaksot"}, {"mapping", kMappings + "akaa.json"}}}});
    auto found = validate(workspace.configFile());
    EXPECT_EQ(found.exitCode, 1);
    EXPECT_EQ(found.errors.size(), 1u) << "another municipality may push the same dataset";
    ASSERT_TRUE(found.errors.count("source.p2"));
    EXPECT_NE(found.errors["source.p2"].find("dataset 'jaksot' for municipality 536"),
              std::string::npos)
        << found.errors["source.p2"];
}

TEST(GatewayctlValidate, AScheduleThatDoesNotParseIsNamed) {
    auto workspace = workspaceWith({{"s",
                                     {{"kind", "file"},
                                      {"path", "x.csv"},
                                      {"schedule", "every fortnight"},
                                      {"expectEvery", "soon"},
                                      {"mapping", kMappings + "nokia.json"}}}});
    auto found = validate(workspace.configFile());
    EXPECT_EQ(found.exitCode, 1);
    ASSERT_TRUE(found.errors.count("source.s.schedule"));
    EXPECT_NE(found.errors["source.s.schedule"].find("'every fortnight'"), std::string::npos);
    EXPECT_TRUE(found.errors.count("source.s.expectEvery"));
}

TEST(GatewayctlValidate, ASecretsFileReadableByOthersIsAProblem) {
    GatewayWorkspace workspace({"nokia"});
    workspace.addToken("admin", "transfers:admin");  // makes the secrets file
    std::string secrets = workspace.folder() + "/var/secrets.properties";
    EXPECT_EQ(validate(workspace.configFile()).exitCode, 0);
    Poco::File(secrets).setReadOnly(false);
    ASSERT_EQ(::chmod(secrets.c_str(), 0644), 0);
    auto found = validate(workspace.configFile());
    EXPECT_EQ(found.exitCode, 1);
    ASSERT_TRUE(found.errors.count("secrets.file"));
    EXPECT_NE(found.errors["secrets.file"].find(secrets), std::string::npos);
}

TEST(GatewayctlValidate, AKeyNoSourceReadsIsAWarningOnly) {
    auto workspace = workspaceWith({{"a",
                                     {{"kind", "file"},
                                      {"path", "x.csv"},
                                      {"folder", "inbox"},
                                      {"mapping", kMappings + "nokia.json"}}}});
    auto found = validate(workspace.configFile());
    EXPECT_EQ(found.exitCode, 0);
    EXPECT_TRUE(found.errors.empty());
    EXPECT_TRUE(found.warnings.count("source.a.folder"));
}

TEST(GatewayctlValidate, GatewaydRunsTheSameCheckAndRefusesToStartNamingEveryProblem) {
    auto workspace = workspaceWith(
        {{"first", {{"kind", "drop"}, {"folder", "inbox"}, {"mapping", kMappings + "nokia.json"}}},
         {"second", {{"kind", "drop"}, {"folder", "inbox"}, {"mapping", kMappings + "akaa.json"}}},
         {"third", {{"kind", "ftp"}, {"mapping", kMappings + "akaa.json"}}}});
    ProcessResult run = runProcess(GATEWAYD_PATH, {"--config", workspace.configFile()});
    EXPECT_EQ(run.exitCode, 78) << "EX_CONFIG";
    std::string said = run.err + readFile(workspace.logFile());
    EXPECT_NE(said.find("source.second: it takes the drop folder"), std::string::npos) << said;
    EXPECT_NE(said.find("source.third.kind: unknown kind 'ftp'"), std::string::npos) << said;
    EXPECT_FALSE(Poco::File(workspace.database()).exists()) << "nothing ran";
}

}  // namespace
}  // namespace gw::test
