// gatewayd's API over HTTPS when a certificate and key are configured, asked by curl.
#include <Poco/File.h>
#include <gtest/gtest.h>

#include <csignal>

#include "process.h"

namespace gw::test {
namespace {

/// The HTTP status curl gets for `url`, trusting only `certificate`; "000" when no TLS answer.
std::string curlStatus(const std::string& url, const std::string& certificate) {
    return runProcess("/usr/bin/curl", {"-s", "-o", "/dev/null", "-w", "%{http_code}", "--max-time",
                                        "10", "--cacert", certificate, url})
        .out;
}

/// What `openssl s_client` negotiates with the API offering only `options` ("" when the
/// handshake fails): the cipher suite.
std::string negotiated(unsigned short port, const std::string& options) {
    auto run = runProcess("/bin/sh",
                          {"-c", "/usr/bin/openssl s_client -brief -connect 127.0.0.1:" +
                                     std::to_string(port) + " " + options + " </dev/null 2>&1"});
    auto at = run.out.find("Ciphersuite: ");
    if (at == std::string::npos) return "";
    return run.out.substr(at + 13, run.out.find('\n', at) - at - 13);
}

TEST(Tls, WithACertificateTheApiSpeaksHttpsOnly) {
    unsigned short port = freeLoopbackPort();
    unsigned short healthPort = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia"}, {{"http.port", std::to_string(port)},
                                           {"http.healthPort", std::to_string(healthPort)},
                                           {"http.certificate", "tls/certificate.pem"},
                                           {"http.privateKey", "tls/key.pem"}});
    std::string tls = workspace.folder() + "/tls";
    Poco::File(tls).createDirectories();
    auto made = runProcess("/usr/bin/openssl",
                           {"req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
                            "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1", "-keyout",
                            tls + "/key.pem", "-out", tls + "/certificate.pem"});
    ASSERT_EQ(made.exitCode, 0) << made.err;
    const std::string certificate = tls + "/certificate.pem";
    const std::string token = workspace.addToken("admin", "transfers:admin");
    const std::string base = "https://127.0.0.1:" + std::to_string(port);

    Poco::ProcessHandle daemon =
        Poco::Process::launch(GATEWAYD_PATH, {"--config", workspace.configFile()});
    bool ready = false;
    for (int i = 0; i < 100 && !ready; ++i) {
        ready = curlStatus(base + "/readyz", certificate) == "200";
        if (!ready) std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_TRUE(ready) << readFile(workspace.logFile());
    EXPECT_EQ(curlStatus(base + "/v1/transfers", certificate), "401");
    EXPECT_EQ(curlStatus("http://127.0.0.1:" + std::to_string(port) + "/healthz", certificate),
              "000")
        << "no plain HTTP";
    EXPECT_EQ(http(healthPort, "GET", "/healthz").status, 200) << "health apart from the pool";
    EXPECT_EQ(http(healthPort, "GET", "/v1/not-here").status, 404) << "and nothing else there";

    // TLS 1.2 only with forward secrecy and AEAD, chosen by the server; TLS 1.3 allowed.
    for (const char* weak : {"AES128-SHA", "AES256-GCM-SHA384", "ECDHE-RSA-AES128-SHA",
                             "ECDHE-RSA-AES256-SHA384", "CAMELLIA128-SHA", "DHE-RSA-AES128-SHA"})
        EXPECT_EQ(negotiated(port, std::string("-tls1_2 -cipher ") + weak), "") << weak;
    EXPECT_EQ(negotiated(port, "-tls1_1 -cipher ALL@SECLEVEL=0"), "") << "TLS 1.1 is refused";
    EXPECT_EQ(negotiated(port, "-tls1_2 -cipher ECDHE-RSA-AES256-GCM-SHA384"),
              "ECDHE-RSA-AES256-GCM-SHA384");
    EXPECT_EQ(
        negotiated(port, "-tls1_2 -cipher ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES128-GCM-SHA256"),
        "ECDHE-RSA-AES128-GCM-SHA256")
        << "the server's preference wins over the client's";
    EXPECT_NE(negotiated(port, "-tls1_3"), "") << "TLS 1.3 is allowed";

    // Under HTTPS the console's session cookie is sent over HTTPS only.
    auto signedIn = runProcess("/usr/bin/curl",
                               {"-s", "-o", "/dev/null", "-D", "-", "--max-time", "10", "--cacert",
                                certificate, "-H", "Content-Type: application/json", "--data",
                                "{\"token\": \"" + token + "\"}", base + "/v1/session"});
    EXPECT_NE(signedIn.out.find(" 201"), std::string::npos) << signedIn.out;
    auto cookie = signedIn.out.find("Set-Cookie: gateway_session=");
    ASSERT_NE(cookie, std::string::npos) << signedIn.out;
    std::string header = signedIn.out.substr(cookie, signedIn.out.find('\n', cookie) - cookie);
    EXPECT_NE(header.find("; secure"), std::string::npos) << header;
    EXPECT_NE(header.find("HttpOnly"), std::string::npos) << header;
    ::kill(daemon.id(), SIGTERM);
    EXPECT_EQ(daemon.wait(), 0);
}

}  // namespace
}  // namespace gw::test
