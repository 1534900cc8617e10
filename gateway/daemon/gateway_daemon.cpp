#include "gateway/daemon/gateway_daemon.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FileChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Path.h>
#include <Poco/PatternFormatter.h>
#include <Poco/SplitterChannel.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/Timer.h>
#include <Poco/Util/TimerTask.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstring>
#include <iostream>
#include <thread>

#include "gateway/core/errors.h"
#include "gateway/core/json_log_formatter.h"
#include "gateway/core/masking_channel.h"
#include "gateway/core/private_files.h"
#include "gateway/daemon/configuration_check.h"
#include "gateway/feeds/feed_service.h"
#include "gateway/http/access_control.h"
#include "gateway/http/http_api.h"
#include "gateway/http/http_front.h"
#include "gateway/store/regional_key_migration.h"
#include "gateway/store/store_registry.h"
#include "gateway/transfers/input_retention.h"
#include "gateway/transfers/scheduler.h"
#include "gateway/transfers/transfer_runner.h"
#include "gateway/transfers/transfer_workers.h"

namespace gw {
namespace {

/// Reads the tokens again from the secrets file whenever the daemon gets SIGHUP, on a thread of
/// its own (main() blocks SIGHUP in every thread, so that it waits here). A file that cannot be
/// read leaves the tokens in force as they were.
class TokenReloader {
  public:
    TokenReloader(std::string secretsFile, AccessControl& access)
        : secretsFile_(std::move(secretsFile)), access_(access), thread_([this] { run(); }) {}
    ~TokenReloader() {
        stopping_ = true;
        ::pthread_kill(thread_.native_handle(), SIGHUP);
        thread_.join();
    }

  private:
    void run() {
        sigset_t hangup;
        sigemptyset(&hangup);
        sigaddset(&hangup, SIGHUP);
        auto& log = Poco::Logger::get("gatewayd");
        for (;;) {
            int signal = 0;
            if (::sigwait(&hangup, &signal) != 0 || stopping_) return;
            try {
                auto grants = SecretsFile::open(secretsFile_).grants();
                std::size_t count = grants.size();
                access_.replace(std::move(grants));
                log.information("SIGHUP: tokens read again from " + secretsFile_ + ": " +
                                std::to_string(count) + " in force");
            } catch (const std::exception& e) {
                log.error(std::string("SIGHUP: the tokens in force stay: ") + e.what());
            }
        }
    }

    std::string secretsFile_;
    AccessControl& access_;
    std::atomic<bool> stopping_{false};
    std::thread thread_;
};

/// Deletes expired inputs on the retention timer's thread; a failure is logged, never thrown.
class RetentionTask : public Poco::Util::TimerTask {
  public:
    explicit RetentionTask(const InputRetention& retention) : retention_(retention) {}
    void run() override {
        try {
            retention_.deleteExpired(std::chrono::system_clock::now());
        } catch (const std::exception& e) {
            Poco::Logger::get("gateway.retention").error(std::string("retention: ") + e.what());
        }
    }

  private:
    const InputRetention& retention_;
};

}  // namespace

using Poco::Util::Option;

void GatewayDaemon::defineOptions(Poco::Util::OptionSet& options) {
    ServerApplication::defineOptions(options);
    options.addOption(Option("help", "h", "show this help and exit").repeatable(false));
    options.addOption(
        Option("config", "c", "read configuration from FILE (default: config/gateway.properties)")
            .argument("FILE")
            .repeatable(false));
    options.addOption(Option("run-once", "",
                             "run every configured source once, print a summary per "
                             "source and exit; non-zero if any transfer failed")
                          .repeatable(false));
}

void GatewayDaemon::handleOption(const std::string& name, const std::string& value) {
    ServerApplication::handleOption(name, value);
    if (name == "help") {
        helpRequested_ = true;
        stopOptionsProcessing();
    } else if (name == "config") {
        configFile_ = value;
    } else if (name == "run-once") {
        runOnce_ = true;
    }
}

void GatewayDaemon::initialize(Poco::Util::Application& self) {
    if (helpRequested_) return;
    if (configFile_.empty()) configFile_ = defaultConfigFile();
    configFile_ = Poco::Path(configFile_).makeAbsolute().toString();
    loadConfiguration(configFile_);
    ServerApplication::initialize(self);
    settings_ = GatewaySettings::read(config(), Poco::Path(configFile_).parent().toString());
    setUpLogging();
}

void GatewayDaemon::setUpLogging() {
    Poco::AutoPtr<Poco::SplitterChannel> outputs(new Poco::SplitterChannel);
    if (!settings_->logFile.empty()) {
        createPrivateFolders(Poco::Path(settings_->logFile).parent().toString());
        Poco::AutoPtr<Poco::FileChannel> file(new Poco::FileChannel(settings_->logFile));
        file->setProperty("rotation", "100 M");
        file->setProperty("archive", "timestamp");
        file->setProperty("purgeCount", "10");
        outputs->addChannel(file);
    }
    if (!config().getBool("application.runAsDaemon", false)) {
        outputs->addChannel(Poco::AutoPtr<Poco::Channel>(new Poco::ConsoleChannel(std::cerr)));
    }
    Poco::AutoPtr<Poco::Formatter> format;
    if (settings_->logFormat == "json") {
        format = new JsonLogFormatter;
    } else {
        format = new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %q %s: %t");
    }
    Poco::AutoPtr<Poco::Channel> formatted(new Poco::FormattingChannel(format, outputs));
    Poco::AutoPtr<Poco::Channel> masked(new MaskingChannel(formatted));
    Poco::Logger::root().setChannel(masked);
    Poco::Logger::root().setLevel(settings_->logLevel);
    // Loggers made before this point (the application's own) keep their old channel.
    Poco::Logger::setChannel("", masked);
    Poco::Logger::setLevel("", Poco::Logger::parseLevel(settings_->logLevel));
    setLogger(Poco::Logger::get("gatewayd"));
}

int GatewayDaemon::main(const std::vector<std::string>& args) {
    if (helpRequested_) {
        Poco::Util::HelpFormatter help(options());
        help.setCommand(commandName());
        help.setUsage("[--config FILE] [--run-once | --daemon [--pidfile FILE]]");
        help.setHeader("The regional interoperability gateway for social-welfare records.");
        help.format(std::cout);
        return EXIT_OK;
    }
    if (!args.empty()) {
        std::cerr << "gatewayd: unexpected argument '" << args.front() << "' (see --help)\n";
        return EXIT_USAGE;
    }
    // The whole configuration is checked before anything runs, as gatewayctl validate does:
    // every problem is logged, and any error stops the start.
    int errors = 0;
    for (const auto& problem :
         checkConfiguration(config(), Poco::Path(configFile_).parent().toString())) {
        std::string text = (problem.key.empty() ? "" : problem.key + ": ") + problem.message;
        if (problem.warning) {
            logger().warning("configuration: " + text);
        } else {
            logger().fatal("configuration error: " + text);
            ++errors;
        }
    }
    if (errors > 0) return EXIT_CONFIG;
    try {
        return runOnce_ ? runOnce() : serve();
    } catch (const ConfigError& e) {
        logger().fatal(std::string("configuration error: ") + e.what());
        return EXIT_CONFIG;
    }
}

Poco::Net::ServerSocket GatewayDaemon::listenSecurely() {
    Poco::Net::SocketAddress address(settings_->httpAddress, settings_->httpPort);
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr context;
    try {
        // TLS 1.2 only with forward secrecy and authenticated encryption (ECDHE with AES-GCM or
        // ChaCha20-Poly1305); TLS 1.3's own suites are all of that kind.
        context = new Poco::Net::Context(
            Poco::Net::Context::TLS_SERVER_USE, settings_->tlsPrivateKey, settings_->tlsCertificate,
            "", Poco::Net::Context::VERIFY_NONE, 9, false,
            "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
            "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
            "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305");
    } catch (const Poco::Exception& e) {
        throw ConfigError("cannot use http.certificate and http.privateKey: " + e.displayText());
    }
    context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                              Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
    context->preferServerCiphers();
    return Poco::Net::SecureServerSocket(address, 64, context);
}

std::unique_ptr<Store> GatewayDaemon::openRecoveredStore() {
    secrets_ = SecretsFile::open(settings_->secretsFile);
    keys_.emplace(secrets_->regionalKey());
    auto store = builtinStores().open(settings_->storeBackend, settings_->storeConnection);
    store->retryLockedWritesFor(std::chrono::seconds(settings_->storeLockedRetrySeconds));
    if (int interrupted = store->recoverInterrupted(settings_->instanceName)) {
        logger().warning(std::to_string(interrupted) +
                         " transfer(s) of this instance were cut off when it last stopped; "
                         "logged as interrupted, what they committed stays");
    }
    return store;
}

void GatewayDaemon::adoptRegionalKey(Store& store, const TransferRunner& runner) {
    RegionalKeyMigration migration(store, runner.clients(), settings_->instanceName);
    for (const auto& transfer : migration.run(runner.validator().entities())) {
        logger().warning("the stored records of municipality " + transfer.municipality +
                         " were re-keyed under the regional key: transfer " +
                         std::to_string(transfer.id) + ", " + transfer.counts.toJson().dump());
    }
}

int GatewayDaemon::runOnce() {
    auto store = openRecoveredStore();
    TransferRunner runner(*settings_, *store, *keys_);
    adoptRegionalKey(*store, runner);
    bool allSucceeded = true;
    for (const auto& source : runner.sources().all()) {
        // A source that receives its inputs (a drop, a push) has nothing to read until they come.
        if (!source->requestedInput()) continue;
        TransferInfo transfer = runner.run(*source);
        allSucceeded &= transfer.state == "succeeded";
        std::cout << "source " << source->name() << ": transfer " << transfer.id << " "
                  << transfer.state << ", read " << transfer.counts.read << ", stored "
                  << transfer.counts.stored << ", unchanged " << transfer.counts.unchanged
                  << ", rejected " << transfer.counts.rejected;
        if (!transfer.error.empty()) std::cout << ", error: " << transfer.error;
        if (!transfer.warning.empty()) std::cout << ", warning: " << transfer.warning;
        std::cout << std::endl;
    }
    return allSucceeded ? EXIT_OK : EXIT_SOFTWARE;
}

int GatewayDaemon::serve() {
    // The stop signals are for waitForTerminationRequest() alone: blocked here, before any
    // thread of the daemon starts, so that every thread inherits the block and one that arrives
    // before the main thread waits stays pending instead of ending the process mid-transfer.
    sigset_t stops;
    sigemptyset(&stops);
    for (int signal : {SIGINT, SIGQUIT, SIGTERM}) sigaddset(&stops, signal);
    ::pthread_sigmask(SIG_BLOCK, &stops, nullptr);
    auto store = openRecoveredStore();
    TransferRunner runner(*settings_, *store, *keys_);
    adoptRegionalKey(*store, runner);
    InputRetention retention(*settings_, runner.sources(), *store);
    retention.removePartialUploads();

    std::vector<TokenGrant> grants = secrets_->grants();
    if (grants.empty()) logger().warning("no tokens are configured: every /v1 request gets 401");
    AccessControl access(std::move(grants));
    FeedViewSetup views{settings_->pseudonymisedView, secrets_->pseudonymKey(),
                        runner.validator().entities(), settings_->schemaDirectory + "/codes",
                        settings_->fhirCanonicalBase};
    FeedService feeds(*store, *store, builtinFeedViews(), views, settings_->feedPageMaxBytes);
    FhirService fhir(
        *store, views,
        {settings_->fhirExportDirectory, std::chrono::minutes(settings_->fhirExportKeepMinutes),
         static_cast<std::size_t>(settings_->fhirMaxRunningExports)});

    TransferWorkers workers(runner, *store, settings_->instanceName, settings_->transferWorkers);
    Cutover cutover(*store, SigningKey(secrets_->signingKey()), settings_->instanceName);
    Scheduler scheduler(workers, *store, runner.sources());
    // What was acknowledged before a stop or a crash and not finished runs again first.
    workers.resumeUnfinished();
    if (settings_->runSourcesAtStart) {
        for (const auto& source : runner.sources().all()) workers.queueDue(source->name());
    }

    ConsoleSessions sessions({std::chrono::minutes(settings_->consoleSessionIdleMinutes),
                              std::chrono::minutes(settings_->consoleSessionLifetimeMinutes)});
    std::atomic<bool> ready{false};
    Poco::Net::HTTPRequestHandlerFactory::Ptr api(new HttpApi(
        {*settings_, *store, workers, scheduler, access, feeds, fhir, cutover, sessions, ready}));
    // One request per connection, and no read in the pool may stall for long: the head of each
    // request has arrived before the pool sees it (plain HTTP), and a body must keep coming.
    Poco::Net::HTTPServerParams::Ptr params(new Poco::Net::HTTPServerParams);
    params->setKeepAlive(false);
    params->setTimeout(Poco::Timespan(settings_->httpReadTimeoutSeconds, 0));
    params->setMaxThreads(16);
    params->setMaxQueued(64);
    HttpFront::Limits limits;
    limits.headTimeout = std::chrono::seconds(settings_->httpReadTimeoutSeconds);
    limits.requestsPerAddress = settings_->httpRequestsPerAddress;
    auto health = [&ready](const std::string& path) -> std::pair<int, std::string> {
        if (path == "/healthz") return {200, "{\"status\":\"ok\"}\n"};
        if (ready) return {200, "{\"status\":\"ready\"}\n"};
        return {503, "{\"error\":\"Service Unavailable\",\"detail\":\"starting\"}\n"};
    };
    // Plain HTTP goes through the front. HTTPS is Poco's own server (its pool reads each
    // handshake and head with the read timeout), with the health paths on a plain port of their
    // own when http.healthPort is set, so that they answer whatever its pool is doing.
    std::optional<HttpFront> front;
    std::optional<Poco::Net::HTTPServer> tlsServer;
    std::string listening;
    if (settings_->tlsCertificate.empty()) {
        front.emplace(settings_->httpAddress, settings_->httpPort, api, params, limits, health);
        listening = "http://" + front->boundAddress();
    } else {
        Poco::Net::ServerSocket socket = listenSecurely();
        listening = "https://" + socket.address().toString();
        tlsServer.emplace(api, socket, params);
        tlsServer->start();
        if (settings_->httpHealthPort >= 0) {
            front.emplace(settings_->httpAddress,
                          static_cast<unsigned short>(settings_->httpHealthPort), nullptr, params,
                          limits, health);
            listening += ", health on http://" + front->boundAddress();
        }
    }
    if (front) front->start();
    workers.start();
    scheduler.start();
    // Expired archives go at start and then hourly: they hold raw exports.
    Poco::Util::Timer retentionTimer;
    retentionTimer.scheduleAtFixedRate(new RetentionTask(retention), 0, 3600 * 1000);
    TokenReloader reloader(settings_->secretsFile, access);
    logger().information("gatewayd " + settings_->instanceName + " started: HTTP API on " +
                         listening + ", store " + settings_->storeBackend);
    ready = true;
    detachFromLauncher();
    waitForTerminationRequest();

    logger().information("stopping: no new requests; running transfers commit what they have");
    if (front) front->stop();
    if (tlsServer) tlsServer->stop();
    retentionTimer.cancel(true);
    scheduler.stop();
    workers.stop();
    logger().information("gatewayd stopped");
    return EXIT_OK;
}

}  // namespace gw

namespace {

// In the child of --daemon until it is ready: where it says it is (-1 otherwise). Its stdout and
// stderr are the launcher's output pipe until then.
int readyPipe = -1;

/// --daemon, done here rather than by Poco, so that the command returns only once the daemon is
/// up (exit 0) or has failed (its exit code, with the reason on stderr): until it is ready, the
/// daemon's stdout and stderr go to the launching process through a pipe, which copies them, and
/// a second pipe carries the word that it is ready. Returns -1 in the daemon, which goes on, and
/// the exit code in the launcher.
int detach() {
    int output[2], ready[2];
    pid_t child = -1;
    if (::pipe(output) != 0 || ::pipe(ready) != 0 || (child = ::fork()) < 0) {
        std::cerr << "gatewayd: cannot detach: " << std::strerror(errno) << "\n";
        return Poco::Util::Application::EXIT_OSERR;
    }
    if (child == 0) {
        ::close(output[0]);
        ::close(ready[0]);
        ::setsid();
        int nothing = ::open("/dev/null", O_RDWR);
        ::dup2(nothing, STDIN_FILENO);
        ::dup2(output[1], STDOUT_FILENO);
        ::dup2(output[1], STDERR_FILENO);
        ::close(nothing);
        ::close(output[1]);
        readyPipe = ready[1];
        return -1;
    }
    ::close(output[1]);
    ::close(ready[1]);
    char buffer[4096];
    for (ssize_t got; (got = ::read(output[0], buffer, sizeof buffer)) != 0;) {
        if (got < 0 && errno == EINTR) continue;
        if (got < 0) break;
        std::cerr.write(buffer, got);
    }
    ::close(output[0]);
    char word = 0;
    ssize_t said;
    do {
        said = ::read(ready[0], &word, 1);
    } while (said < 0 && errno == EINTR);
    ::close(ready[0]);
    if (said == 1) return 0;  // up and running on its own
    int status = 0;
    ::waitpid(child, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : Poco::Util::Application::EXIT_SOFTWARE;
}

}  // namespace

void gw::GatewayDaemon::detachFromLauncher() {
    if (readyPipe < 0) return;
    int nothing = ::open("/dev/null", O_RDWR);
    ::dup2(nothing, STDOUT_FILENO);
    ::dup2(nothing, STDERR_FILENO);
    ::close(nothing);
    char word = 'R';
    ssize_t said = ::write(readyPipe, &word, 1);
    (void)said;
    ::close(readyPipe);
    readyPipe = -1;
}

int main(int argc, char** argv) {
    // Everything the daemon writes (the store, its log, spooled exports, reasons) is for its own
    // user alone, whatever the shell that started it set.
    ::umask(077);
    // SIGHUP reloads the tokens (TokenReloader waits for it); blocked here, before any thread
    // starts, so that every thread inherits the mask. A file-size limit makes a write fail with
    // EFBIG, reported like any full disk, instead of ending the daemon.
    sigset_t hangup;
    sigemptyset(&hangup);
    sigaddset(&hangup, SIGHUP);
    ::pthread_sigmask(SIG_BLOCK, &hangup, nullptr);
    ::signal(SIGXFSZ, SIG_IGN);

    // The configuration's path is made absolute before anything else, as the daemon's working
    // folder may change.
    std::vector<std::string> args(argv, argv + argc);
    bool daemonize = false;
    for (std::size_t i = 1; i < args.size(); ++i) {
        if (args[i] == "--daemon") daemonize = true;
        bool followed = (args[i] == "--config" || args[i] == "-c") && i + 1 < args.size();
        if (followed) args[i + 1] = Poco::Path(args[i + 1]).makeAbsolute().toString();
        if (args[i].rfind("--config=", 0) == 0)
            args[i] = "--config=" + Poco::Path(args[i].substr(9)).makeAbsolute().toString();
    }
    args.erase(std::remove(args.begin(), args.end(), "--daemon"), args.end());
    if (daemonize) {
        int launcher = detach();
        if (launcher >= 0) return launcher;
    }
    gw::GatewayDaemon daemon;
    try {
        return daemon.run(args);
    } catch (const gw::ConfigError& e) {
        std::cerr << "gatewayd: configuration error: " << e.what() << "\n";
        return Poco::Util::Application::EXIT_CONFIG;
    } catch (const Poco::Exception& e) {
        std::cerr << "gatewayd: " << e.displayText() << "\n";
        return Poco::Util::Application::EXIT_CONFIG;
    }
}
