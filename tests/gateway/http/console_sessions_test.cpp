#include "gateway/http/console_sessions.h"

#include <gtest/gtest.h>

namespace gw {
namespace {

using std::chrono::minutes;

/// A clock the test moves by hand.
struct ManualClock {
    ConsoleSessions::Clock::time_point now{};
    std::function<ConsoleSessions::Clock::time_point()> function() {
        return [this] { return now; };
    }
};

TEST(ConsoleSessions, ASessionEndsWhenLeftIdleButNotWhileItIsUsed) {
    ManualClock clock;
    ConsoleSessions sessions({minutes(20), minutes(12 * 60)}, clock.function());
    auto started = sessions.start("token-hash");
    EXPECT_EQ(started.id.size(), 64u);
    EXPECT_NE(started.id, started.csrfToken);

    for (int i = 0; i < 5; ++i) {
        clock.now += minutes(19);
        auto found = sessions.find(started.id);
        ASSERT_TRUE(found) << "used every 19 minutes";
        EXPECT_EQ(found->tokenSha256, "token-hash");
        EXPECT_EQ(found->csrfToken, started.csrfToken);
    }
    clock.now += minutes(20);
    EXPECT_FALSE(sessions.find(started.id)) << "idle for 20 minutes";
    clock.now -= minutes(20);
    EXPECT_FALSE(sessions.find(started.id)) << "an expired session is gone for good";
}

TEST(ConsoleSessions, ASessionEndsAtItsLifetimeHoweverBusyAndAtSignOut) {
    ManualClock clock;
    ConsoleSessions sessions({minutes(20), minutes(60)}, clock.function());
    auto busy = sessions.start("a");
    auto other = sessions.start("b");
    for (int i = 0; i < 5; ++i) {
        clock.now += minutes(10);
        EXPECT_TRUE(sessions.find(busy.id));
        EXPECT_TRUE(sessions.find(other.id));
    }
    clock.now += minutes(10);
    EXPECT_FALSE(sessions.find(busy.id)) << "an hour old";

    auto signedIn = sessions.start("a");
    EXPECT_NE(signedIn.id, busy.id);
    sessions.end(signedIn.id);
    EXPECT_FALSE(sessions.find(signedIn.id));
    EXPECT_FALSE(sessions.find("")) << "no cookie";
    EXPECT_FALSE(sessions.find(signedIn.csrfToken)) << "a CSRF token is no session id";
}

TEST(ConsoleSessions, BeyondTheLimitTheLeastRecentlyUsedSessionEnds) {
    ManualClock clock;
    ConsoleSessions::Limits limits;
    limits.maxSessions = 2;
    ConsoleSessions sessions(limits, clock.function());
    auto first = sessions.start("a");
    clock.now += minutes(1);
    auto second = sessions.start("b");
    clock.now += minutes(1);
    EXPECT_TRUE(sessions.find(first.id));  // now the second is the least recently used
    auto third = sessions.start("c");
    EXPECT_TRUE(sessions.find(first.id));
    EXPECT_FALSE(sessions.find(second.id));
    EXPECT_TRUE(sessions.find(third.id));
}

}  // namespace
}  // namespace gw
