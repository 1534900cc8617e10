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

TEST(Tls, WithACertificateTheApiSpeaksHttpsOnly) {
    unsigned short port = freeLoopbackPort();
    GatewayWorkspace workspace({"nokia"}, {{"http.port", std::to_string(port)},
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
    ::kill(daemon.id(), SIGTERM);
    EXPECT_EQ(daemon.wait(), 0);
}

}  // namespace
}  // namespace gw::test
