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
#include <sys/stat.h>

#include <iostream>

#include "gateway/core/errors.h"
#include "gateway/core/masking_channel.h"
#include "gateway/core/private_files.h"
#include "gateway/daemon/access_control.h"
#include "gateway/daemon/http_api.h"
#include "gateway/daemon/input_retention.h"
#include "gateway/daemon/scheduler.h"
#include "gateway/daemon/transfer_runner.h"
#include "gateway/daemon/transfer_workers.h"
#include "gateway/feeds/pseudonymiser.h"
#include "gateway/store/regional_key_migration.h"

namespace gw {
namespace {

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
    if (configFile_.empty()) configFile_ = defaultDataDirectory() + "/config/gateway.properties";
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
    Poco::AutoPtr<Poco::PatternFormatter> pattern(
        new Poco::PatternFormatter("%Y-%m-%dT%H:%M:%S.%iZ %q %s: %t"));
    Poco::AutoPtr<Poco::Channel> formatted(new Poco::FormattingChannel(pattern, outputs));
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
    try {
        return runOnce_ ? runOnce() : serve();
    } catch (const ConfigError& e) {
        logger().fatal(std::string("configuration error: ") + e.what());
        return EXIT_CONFIG;
    }
}

Poco::Net::ServerSocket GatewayDaemon::listen() {
    Poco::Net::SocketAddress address(settings_->httpAddress, settings_->httpPort);
    if (settings_->tlsCertificate.empty()) return Poco::Net::ServerSocket(address);
    Poco::Net::initializeSSL();
    Poco::Net::Context::Ptr context;
    try {
        context =
            new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, settings_->tlsPrivateKey,
                                   settings_->tlsCertificate, "", Poco::Net::Context::VERIFY_NONE);
    } catch (const Poco::Exception& e) {
        throw ConfigError("cannot use http.certificate and http.privateKey: " + e.displayText());
    }
    context->disableProtocols(Poco::Net::Context::PROTO_SSLV2 | Poco::Net::Context::PROTO_SSLV3 |
                              Poco::Net::Context::PROTO_TLSV1 | Poco::Net::Context::PROTO_TLSV1_1);
    return Poco::Net::SecureServerSocket(address, 64, context);
}

std::unique_ptr<Store> GatewayDaemon::openRecoveredStore() {
    secrets_ = SecretsFile::open(settings_->secretsFile);
    keys_.emplace(secrets_->regionalKey());
    auto store = openStore(settings_->storeBackend, settings_->storeConnection);
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
    for (const auto& source : runner.sources()) {
        if (source.kind != "file") continue;  // a push source has nothing to read until pushed
        TransferInfo transfer = runner.run(source);
        allSucceeded &= transfer.state == "succeeded";
        std::cout << "source " << source.name << ": transfer " << transfer.id << " "
                  << transfer.state << ", read " << transfer.counts.read << ", stored "
                  << transfer.counts.stored << ", unchanged " << transfer.counts.unchanged
                  << ", rejected " << transfer.counts.rejected;
        if (!transfer.error.empty()) std::cout << ", error: " << transfer.error;
        std::cout << std::endl;
    }
    return allSucceeded ? EXIT_OK : EXIT_SOFTWARE;
}

int GatewayDaemon::serve() {
    auto store = openRecoveredStore();
    TransferRunner runner(*settings_, *store, *keys_);
    adoptRegionalKey(*store, runner);
    InputRetention retention(*settings_);
    retention.removePartialUploads();

    std::vector<TokenGrant> grants = secrets_->grants();
    if (grants.empty()) logger().warning("no tokens are configured: every /v1 request gets 401");
    AccessControl access(std::move(grants));
    Pseudonymiser pseudonymiser(settings_->pseudonymisedView, secrets_->pseudonymKey(),
                                runner.validator().entities());

    TransferWorkers workers(runner, *store, settings_->instanceName, settings_->transferWorkers);
    Scheduler scheduler(workers, *store, runner.sources());
    if (settings_->runSourcesAtStart) {
        for (const auto& source : runner.sources()) {
            if (source.kind == "file" || source.kind == "pull") workers.queue(source.name);
            if (source.kind == "drop") workers.claimDropped(source.name);
        }
    }

    std::atomic<bool> ready{false};
    Poco::Net::ServerSocket socket = listen();
    Poco::Net::HTTPServer server(new HttpApi({*settings_, *store, workers, scheduler,
                                              runner.validator(), access, pseudonymiser, ready}),
                                 socket, new Poco::Net::HTTPServerParams);
    server.start();
    workers.start();
    scheduler.start();
    // Expired archives go at start and then hourly: they hold raw exports.
    Poco::Util::Timer retentionTimer;
    retentionTimer.scheduleAtFixedRate(new RetentionTask(retention), 0, 3600 * 1000);
    logger().information("gatewayd " + settings_->instanceName + " started: HTTP API on " +
                         (settings_->tlsCertificate.empty() ? "http://" : "https://") +
                         socket.address().toString() + ", store " + settings_->storeBackend);
    ready = true;
    waitForTerminationRequest();

    logger().information("stopping: no new requests; running transfers commit what they have");
    server.stop();
    retentionTimer.cancel(true);
    scheduler.stop();
    workers.stop();
    logger().information("gatewayd stopped");
    return EXIT_OK;
}

}  // namespace gw

int main(int argc, char** argv) {
    // Everything the daemon writes (the store, its log, spooled exports, reasons) is for its own
    // user alone, whatever the shell that started it set.
    ::umask(077);
    gw::GatewayDaemon daemon;
    try {
        return daemon.run(argc, argv);
    } catch (const gw::ConfigError& e) {
        std::cerr << "gatewayd: configuration error: " << e.what() << "\n";
        return Poco::Util::Application::EXIT_CONFIG;
    } catch (const Poco::Exception& e) {
        std::cerr << "gatewayd: " << e.displayText() << "\n";
        return Poco::Util::Application::EXIT_CONFIG;
    }
}
