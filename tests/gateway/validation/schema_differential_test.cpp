// The compiled regional schema against valijson, the general validator it replaced on the record
// path: every bundled sample's records, and at least 100 000 mutated records per entity, must get
// the same accept or reject and, when rejected, the same field.

#include <Poco/DirectoryIterator.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <regex>

#include "adapters/adapter.h"
#include "gateway/core/errors.h"
#include "gateway/core/schema_validator.h"
#include "gateway/mapping/mapping.h"
#include "gateway/pipeline/client_identity.h"
#include "gateway/validation/compiled_schema.h"

namespace gw {
namespace {

const std::string kRoot = GATEWAY_SOURCE_DIR;
const std::string kSchemas = kRoot + "/schemas/v1/";
constexpr int kMutatedPerEntity = 100000;

struct Entity {
    std::string name;
    SchemaValidator reference;
    CompiledSchema compiled;
    std::vector<nlohmann::json> seeds;  ///< records made from the samples
};

// Values a mutation puts in place of another: every type, texts at the schemas' edges (lengths,
// patterns, dates, codes), bytes the patterns must not let through, and numbers at the bounds.
// Not integers above 2^63 - 1: valijson reads them as negative (CompiledSchema.ComparesHuge...).
const std::vector<nlohmann::json>& replacements() {
    static const std::vector<nlohmann::json> values = [] {
        std::vector<nlohmann::json> v = {
            nullptr,
            true,
            false,
            0,
            -1,
            1,
            12,
            60,
            61,
            59.5,
            60.5,
            -0.5,
            0.0,
            1e300,
            9223372036854775807LL,
            "",
            "a",
            "536",
            "53",
            "5360",
            "05",
            "2021-02-29",
            "2021-13-01",
            "2021-00-10",
            "2021-01-32",
            "2021-1-01",
            "2021-01-01\n",
            "2021-01-01 ",
            " 2021-01-01",
            "99999-01-01",
            "131052-308T",
            "131052Y308T",
            "131052-308t",
            "131052-308",
            "131052-3081T",
            "010594Y9021",
            "010594Z9021",
            "c-" + std::string(32, 'a'),
            "c-" + std::string(31, 'a'),
            "c-" + std::string(32, 'A'),
            std::string(64, 'f'),
            std::string(63, 'f'),
            std::string(64, 'g'),
            std::string(128, 'x'),
            std::string(129, 'x'),
            std::string(200, 'y'),
            std::string(201, 'y'),
            std::string(500, 'z'),
            std::string(501, 'z'),
            std::string(100, '\xC3') + std::string(1, '\xA4'),
            "äää",
            std::string("12\0"
                        "3",
                        4),
            "own_production",
            "OWN_PRODUCTION",
            "kela",
            "social_rehabilitation",
            "service_episode",
            "client",
            "work_placement",
            "client_plan",
            "feedback",
            "in_progress",
            "other",
            "paid_work",
            nlohmann::json::object(),
            nlohmann::json::array(),
            nlohmann::json::array({1, "x"}),
            nlohmann::json::array({nlohmann::json::object({{"text", "t"}})}),
            nlohmann::json::object({{"name", "N"}}),
            nlohmann::json::object({{"type", "x"}})};
        // Texts as long as a schema allows and one longer, in two-byte letters.
        for (int length : {1, 3, 10, 11, 34, 128, 129, 200, 201}) {
            std::string text;
            for (int i = 0; i < length; ++i) text += "ä";
            v.push_back(text);
        }
        return v;
    }();
    return values;
}

// Every place in a record: the pointers to each value and each object (for adding members).
void places(const nlohmann::json& value, const nlohmann::json::json_pointer& at,
            std::vector<nlohmann::json::json_pointer>& out) {
    out.push_back(at);
    if (value.is_object()) {
        for (const auto& [key, member] : value.items()) places(member, at / key, out);
    } else if (value.is_array()) {
        for (std::size_t i = 0; i < value.size(); ++i) places(value[i], at / i, out);
    }
}

void mutate(nlohmann::json& record, std::mt19937& random) {
    std::vector<nlohmann::json::json_pointer> all;
    places(record, nlohmann::json::json_pointer(), all);
    const auto& at = all[random() % all.size()];
    nlohmann::json& target = record[at];
    const auto& values = replacements();
    switch (random() % 6) {
        case 0:  // remove it
            if (!at.empty())
                record[at.parent_pointer()].is_object()
                    ? (void)record[at.parent_pointer()].erase(at.back())
                    : (void)record[at.parent_pointer()].erase(std::stoul(at.back()));
            break;
        case 1:  // add a member, known to some schema or not
            if (target.is_object()) {
                static const std::vector<std::string> names = {"extra",
                                                               "endDate",
                                                               "goals",
                                                               "name",
                                                               "title",
                                                               "warnings",
                                                               "line",
                                                               "temporaryIdentityCode",
                                                               "homeMunicipality",
                                                               "aaa",
                                                               "zzz",
                                                               ""};
                target[names[random() % names.size()]] = values[random() % values.size()];
                break;
            }
            [[fallthrough]];
        case 2:
        case 3:  // replace it
            target = values[random() % values.size()];
            break;
        case 4:  // change one byte of a text
            if (target.is_string() && !target.get<std::string>().empty()) {
                std::string text = target.get<std::string>();
                static const std::string bytes = std::string("0aZ-+_ .\n\r\t\x7f\xc3\xa4", 15);
                text[random() % text.size()] = bytes[random() % bytes.size()];
                target = text;
                break;
            }
            [[fallthrough]];
        default:  // grow or shorten a text or an array
            if (target.is_string()) {
                std::string text = target.get<std::string>();
                target = random() % 2 ? text + text.substr(0, 1 + random() % 3)
                                      : text.substr(text.empty() ? 0 : 1);
            } else if (target.is_array()) {
                target.push_back(values[random() % values.size()]);
            }
    }
}

class SchemaDifferential : public ::testing::Test {
  public:
    static nlohmann::json sampleRecord(const std::string& entity) {
        return entities().at(entity).seeds.front();
    }

  protected:
    static std::map<std::string, Entity>& entities() {
        static std::map<std::string, Entity> loaded = [] {
            std::map<std::string, Entity> map;
            for (Poco::DirectoryIterator it(kSchemas), end; it != end; ++it) {
                std::string file = it.name();
                static const std::regex entityFile("([a-z-]+)\\.schema\\.json");
                std::smatch match;
                if (!std::regex_match(file, match, entityFile) || match[1] == "common") continue;
                std::string name = std::regex_replace(match[1].str(), std::regex("-"), "_");
                map.emplace(name, Entity{name,
                                         SchemaValidator(kSchemas + file),
                                         CompiledSchema(kSchemas + file),
                                         {}});
            }
            addSampleRecords(map);
            return map;
        }();
        return loaded;
    }

    // Maps every bundled source's sample (config/gateway.properties) into regional records, with
    // client ids and provenance as the pipeline gives them, valid or not.
    static void addSampleRecords(std::map<std::string, Entity>& map) {
        std::ifstream config(kRoot + "/config/gateway.properties");
        std::map<std::string, std::pair<std::string, std::string>> sources;
        static const std::regex line(R"(source\.([a-z0-9-]+)\.(mapping|path) = \.\./(.*))");
        for (std::string text; std::getline(config, text);) {
            std::smatch match;
            if (!std::regex_match(text, match, line)) continue;
            auto& source = sources[match[1]];
            (match[2] == "mapping" ? source.first : source.second) = kRoot + "/" + match[3].str();
        }
        RegionalKeys keys = RegionalKeys::throwaway();
        ClientIdentity clients(true, keys);
        for (const auto& entry : sources) {
            // Named, not bound: clang's C++17 lets no lambda capture a structured binding.
            const std::string& mappingFile = entry.second.first;
            const std::string& sample = entry.second.second;
            Mapping mapping = Mapping::load(mappingFile, kRoot + "/schemas/mapping.schema.json");
            std::ifstream input(sample, std::ios::binary);
            auto adapter =
                builtinAdapters().create(mapping.format(), input, sample, mapping.inputOptions());
            adapter->read([&](SourceRecord& source) {
                for (auto& record : mapping.apply(source).records) {
                    clients.assign(record, mapping.municipality(), mapping.sourceSystem());
                    nlohmann::json body = record.body.toJson();
                    body["provenance"] = {{"sourceMunicipality", mapping.municipality()},
                                          {"sourceSystem", mapping.sourceSystem()},
                                          {"sourceRecordId", record.sourceRecordId},
                                          {"input", sample},
                                          {"record", source.position.record},
                                          {"transferId", 1},
                                          {"mapping", mapping.name()},
                                          {"mappingVersion", mapping.version()},
                                          {"contentHash", std::string(64, 'e')}};
                    if (source.position.line != 0)
                        body["provenance"]["line"] = source.position.line;
                    map.at(record.entity).seeds.push_back(std::move(body));
                }
                return true;
            });
        }
    }

    // The same verdict and field from both; the message is each validator's own.
    static void expectSameVerdict(Entity& entity, const nlohmann::json& record) {
        auto expected = entity.reference.validate(record);
        auto found = entity.compiled.validate(RecordBody::fromJson(record));
        ASSERT_EQ(found.has_value(), !expected.empty())
            << entity.name << ": " << record.dump()
            << (expected.empty()
                    ? ""
                    : "\nvalijson: " + expected.front().path + ": " + expected.front().message)
            << (found ? "\ncompiled: " + found->path + ": " + found->message : "");
        if (found) {
            ASSERT_EQ(found->path, expected.front().path)
                << entity.name << ": " << record.dump()
                << "\nvalijson: " << expected.front().message << "\ncompiled: " << found->message;
        }
    }
};

TEST_F(SchemaDifferential, EveryBundledSampleRecordGetsValijsonsVerdictAndField) {
    std::size_t records = 0;
    for (auto& [name, entity] : entities()) {
        for (const auto& record : entity.seeds) {
            expectSameVerdict(entity, record);
            ++records;
        }
    }
    EXPECT_GT(records, 1000u);
}

TEST_F(SchemaDifferential, MutatedRecordsOfEveryEntityGetValijsonsVerdictAndField) {
    std::mt19937 random(17);
    for (auto& [name, entity] : entities()) {
        ASSERT_FALSE(entity.seeds.empty()) << name << " has no sample records";
        std::size_t rejected = 0;
        for (int i = 0; i < kMutatedPerEntity; ++i) {
            nlohmann::json record = entity.seeds[random() % entity.seeds.size()];
            for (unsigned n = 1 + random() % 3; n > 0; --n) mutate(record, random);
            expectSameVerdict(entity, record);
            if (HasFatalFailure()) return;
            rejected += !entity.reference.validate(record).empty();
        }
        // Both verdicts are well represented, or the test would show little.
        EXPECT_GT(rejected, kMutatedPerEntity / 10u) << name;
        EXPECT_LT(rejected, kMutatedPerEntity * 9u / 10u) << name;
    }
}

// Where the two differ on purpose: valijson reads an integer above 2^63 - 1 as a negative one.
TEST(CompiledSchema, ComparesHugeUnsignedIntegersWithTheirValue) {
    CompiledSchema schema(kSchemas + "client.schema.json");
    nlohmann::json record = SchemaDifferential::sampleRecord("client");
    ASSERT_FALSE(schema.validate(RecordBody::fromJson(record)));
    record["provenance"]["line"] = 18446744073709551615ULL;
    EXPECT_FALSE(schema.validate(RecordBody::fromJson(record)));
    EXPECT_FALSE(SchemaValidator(kSchemas + "client.schema.json").validate(record).empty());
}

TEST(CompiledSchema, RefusesAKeywordItDoesNotImplementNamingItAndWhere) {
    auto folder = std::string(::testing::TempDir()) + "/compiled-schema-refusal/";
    std::filesystem::create_directories(folder);
    auto write = [&](const std::string& name, const nlohmann::json& schema) {
        std::ofstream(folder + name) << schema.dump();
        return folder + name;
    };
    auto refusal = [](const std::string& path) {
        try {
            CompiledSchema schema(path);
        } catch (const ConfigError& e) {
            return std::string(e.what());
        }
        return std::string("compiled");
    };
    EXPECT_EQ(refusal(write("ok.json", {{"type", "object"},
                                        {"properties", {{"a", {{"$ref", "#/definitions/d"}}}}},
                                        {"definitions", {{"d", {{"type", "string"}}}}}})),
              "compiled");
    EXPECT_NE(refusal(write("format.json", {{"properties", {{"d", {{"format", "date"}}}}}}))
                  .find("at '/properties/d/format': keyword 'format' is not one the regional "
                        "schema compiler implements"),
              std::string::npos);
    EXPECT_NE(refusal(write("anyof.json", {{"anyOf", nlohmann::json::array()}})).find("'anyOf'"),
              std::string::npos);
    EXPECT_NE(refusal(write("beside.json",
                            {{"properties", {{"a", {{"$ref", "ok.json"}, {"maxLength", 3}}}}}}))
                  .find("'maxLength' beside '$ref'"),
              std::string::npos);
    EXPECT_NE(refusal(write("space.json", {{"pattern", "^\\s$"}})).find("\\s in a pattern"),
              std::string::npos);
    EXPECT_NE(refusal(write("backref.json", {{"pattern", "(a)\\1"}})).find("not one RE2 can run"),
              std::string::npos);
    EXPECT_NE(refusal(write("number.json", {{"enum", {1.5}}})).find("'enum' values"),
              std::string::npos);
    EXPECT_NE(refusal(write("loop.json", {{"properties", {{"a", {{"$ref", "#/definitions/b"}}}}},
                                          {"definitions", {{"b", {{"$ref", "#/definitions/b"}}}}}}))
                  .find("'$ref' leads back to itself"),
              std::string::npos);
}

}  // namespace
}  // namespace gw
