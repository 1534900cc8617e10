#include "gateway/model/record_body.h"

#include <gtest/gtest.h>

#include <limits>
#include <random>

namespace gw {
namespace {

// Texts that exercise every escape: quotes, backslashes, control characters, DEL, multi-byte
// UTF-8 (Finnish letters, an emoji) and the separators JSON writers treat specially; and texts
// of a word's length (8 bytes) and longer, with the escape in their first, middle or last word.
const std::vector<std::string> kTexts = {"",
                                         "Työpaja Oy",
                                         "\"quoted\"",
                                         "back\\slash",
                                         "tab\there",
                                         "new\nline",
                                         "\x01\x1f",
                                         "del\x7f",
                                         "Ä€😀",
                                         "u\u2028x",
                                         "\b\f\r",
                                         "/slash/",
                                         "131052-308T",
                                         "8 bytes!",
                                         "\"8 bytes",
                                         "a text of more than two words, all of it plain",
                                         "a text of more than two words, with a \"quote\" inside",
                                         "words, then a control character at the end\x02",
                                         "kuntouttava työtoiminta, sosiaalinen kuntoutus"};

nlohmann::json randomValue(std::mt19937& random, int depth) {
    switch (random() % (depth > 3 ? 5 : 7)) {
        case 0:
            return nullptr;
        case 1:
            return random() % 2 == 0;
        case 2:
            return static_cast<std::int64_t>(random()) - (1LL << 31);
        case 3:
            return static_cast<double>(random() % 100000) / 8.0 - 5000;
        case 4:
            return kTexts[random() % kTexts.size()];
        case 5: {
            nlohmann::json object = nlohmann::json::object();
            for (unsigned i = random() % 6; i > 0; --i)
                object[kTexts[random() % kTexts.size()] + std::to_string(random() % 4)] =
                    randomValue(random, depth + 1);
            return object;
        }
        default: {
            nlohmann::json array = nlohmann::json::array();
            for (unsigned i = random() % 5; i > 0; --i)
                array.push_back(randomValue(random, depth + 1));
            return array;
        }
    }
}

std::string written(const RecordBody& body) {
    std::string text;
    body.write(body.root(), text);
    return text;
}

TEST(RecordBody, WritesEveryTreeExactlyAsNlohmannJsonDumpsIt) {
    std::mt19937 random(20261202);
    for (int i = 0; i < 5000; ++i) {
        nlohmann::json tree = randomValue(random, 0);
        RecordBody body = RecordBody::fromJson(tree);
        ASSERT_EQ(written(body), tree.dump()) << "tree " << i;
        ASSERT_EQ(body.toJson(), tree);
    }
}

TEST(RecordBody, WritesTheLongestTextEachValueCanMake) {
    // Every byte escaped as \u00XX, and the numbers with the most characters: the writer sizes
    // its buffer for these beforehand (and the sanitizer build checks that it did).
    nlohmann::json tree = {
        {std::string(40, '\x01'), std::string(300, '\x1f')},
        {"numbers",
         {std::numeric_limits<std::int64_t>::min(), std::numeric_limits<std::uint64_t>::max(),
          -std::numeric_limits<double>::max(), nullptr, false}},
        {"invalid", std::string(100, '\xff')}};
    RecordBody body = RecordBody::fromJson(tree);
    EXPECT_EQ(written(body), tree.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

TEST(RecordBody, KeepsMembersInKeyOrderWhateverOrderTheyAreAddedIn) {
    RecordBody body;
    nlohmann::json expected = nlohmann::json::object();
    for (const char* name : {"startDate", "client", "entity", "Zeta", "ä", "a", "client"}) {
        body.setText(body.member(body.root(), name), name);
        expected[name] = name;
    }
    EXPECT_EQ(written(body), expected.dump());
    EXPECT_EQ(body.size(body.root()), 6u);
    EXPECT_EQ(body.textAt(body.root(), "entity"), "entity");
    EXPECT_FALSE(body.textAt(body.root(), "missing"));
}

TEST(RecordBody, OrdersKeysAsStdStringComparesThem) {
    // Keys sharing prefixes of a word's length and more, and bytes above 0x7F in any place:
    // the comparison reads eight bytes at a time.
    std::mt19937 random(20261202);
    const std::string alphabet = "aAz09_.\x7f\x80\xc3\xa4\xff";
    for (int i = 0; i < 100000; ++i) {
        std::string a(random() % 20, 'x');
        for (char& c : a) c = alphabet[random() % alphabet.size()];
        std::string b = a.substr(0, random() % (a.size() + 1));
        for (unsigned extra = random() % 4; extra > 0; --extra)
            b += alphabet[random() % alphabet.size()];
        int expected = a.compare(b);
        expected = expected < 0 ? -1 : expected > 0 ? 1 : 0;
        ASSERT_EQ(RecordBody::compareKeys(a, b), expected)
            << testing::PrintToString(a) << " " << testing::PrintToString(b);
        ASSERT_EQ(RecordBody::compareKeys(b, a), -expected);
    }
}

TEST(RecordBody, BuildsPathsAsNlohmannJsonsIndexOperatorDoes) {
    RecordBody body;
    auto goals = body.member(body.root(), "goals");
    body.setText(body.member(body.element(goals, 1), "text"), "second");
    body.set(body.member(body.root(), "hours"), Scalar(12.5));
    body.set(body.member(body.root(), "months"), Scalar(std::int64_t{12}));
    body.set(body.member(body.root(), "set"), Scalar(std::in_place_type<bool>, true));
    nlohmann::json expected;
    expected["goals"][1]["text"] = "second";
    expected["hours"] = 12.5;
    expected["months"] = 12;
    expected["set"] = true;
    EXPECT_EQ(written(body), expected.dump());
}

TEST(RecordBody, RemovesAMemberAndCanLeaveOneOutOfTheRootsText) {
    RecordBody body = RecordBody::fromJson({{"a", 1}, {"provenance", {{"x", 1}}}, {"z", "last"}});
    std::string text;
    body.writeRoot(text, "provenance");
    EXPECT_EQ(text, R"({"a":1,"z":"last"})");
    body.remove(body.root(), "z");
    body.remove(body.root(), "a");
    EXPECT_EQ(written(body), R"({"provenance":{"x":1}})");
    body.setText(body.member(body.root(), "zz"), "added after the last was removed");
    EXPECT_EQ(body.toJson().size(), 2u);
}

TEST(RecordBody, CopiesAnotherBodysTree) {
    RecordBody constant = RecordBody::fromJson({{"code", "536"}, {"list", {1, "two", nullptr}}});
    RecordBody body;
    body.copy(body.member(body.root(), "organiser"), constant, constant.root());
    EXPECT_EQ(body.toJson(), nlohmann::json({{"organiser", constant.toJson()}}));
}

TEST(RecordBody, CopiesAWholeBodyIntoOneThatHasNodesAndTextsAlready) {
    RecordBody part = RecordBody::fromJson(
        {{"b", "kept"}, {"gone", "removed before the copy"}, {"m", {{"x", {1, "two"}}}}});
    part.remove(part.root(), "gone");
    RecordBody body = RecordBody::fromJson({{"a", "before"}, {"z", {{"y", 2.5}}}});
    RecordBody::Node into = body.member(body.root(), "p");
    body.copy(into, part, part.root());
    // Both go on being edited: the copy's nodes and texts are the body's own.
    body.setText(body.member(into, "c"), "added inside the copy");
    body.setText(body.member(body.find(body.find(into, "m"), "x"), "ignored"), "an object now");
    part.setText(part.member(part.root(), "b"), "changed in the part");
    EXPECT_EQ(body.toJson(), nlohmann::json({{"a", "before"},
                                             {"p",
                                              {{"b", "kept"},
                                               {"c", "added inside the copy"},
                                               {"m", {{"x", {{"ignored", "an object now"}}}}}}},
                                             {"z", {{"y", 2.5}}}}));
    std::string text;
    body.write(into, text);
    EXPECT_EQ(text,
              R"({"b":"kept","c":"added inside the copy","m":{"x":{"ignored":"an object now"}}})");
    // An array root, into a member that held an object.
    RecordBody list = RecordBody::fromJson({"one", {{"k", true}}});
    body.copy(body.find(body.root(), "z"), list, list.root());
    EXPECT_EQ(body.toJson().at("z"), nlohmann::json({"one", {{"k", true}}}));
}

TEST(RecordBody, WritesInvalidUtf8AsTheReplacementCharacterInsteadOfFailing) {
    RecordBody body;
    body.setText(body.member(body.root(), "name"),
                 "ok\xff\xc3(\xed\xa0\x80"
                 "end");
    EXPECT_EQ(written(body),
              "{\"name\":\"ok\xEF\xBF\xBD\xEF\xBF\xBD(\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD"
              "end\"}");
}

}  // namespace
}  // namespace gw
