// gatewayctl: the command-line tool IT staff use beside the daemon, one verb per Command.
#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/Logger.h>
#include <Poco/Util/Application.h>
#include <Poco/Util/HelpFormatter.h>
#include <Poco/Util/Option.h>
#include <Poco/Util/OptionException.h>
#include <sys/stat.h>

#include <iostream>
#include <memory>

#include "gateway/core/errors.h"
#include "gateway/core/masking_channel.h"
#include "gateway/ctl/check_command.h"
#include "gateway/ctl/map_command.h"
#include "gateway/ctl/parse_command.h"
#include "gateway/ctl/reconcile_command.h"
#include "gateway/ctl/report_command.h"
#include "gateway/ctl/token_command.h"
#include "gateway/ctl/transfer_command.h"
#include "gateway/ctl/validate_command.h"

namespace gw {
namespace {

std::vector<std::unique_ptr<Command>> allCommands() {
    std::vector<std::unique_ptr<Command>> commands;
    commands.push_back(std::make_unique<MapCommand>());
    commands.push_back(std::make_unique<CheckCommand>());
    commands.push_back(std::make_unique<ParseCommand>());
    commands.push_back(std::make_unique<ReportCommand>());
    commands.push_back(std::make_unique<ReconcileCommand>());
    commands.push_back(std::make_unique<TokenCommand>());
    commands.push_back(std::make_unique<TransferCommand>());
    commands.push_back(std::make_unique<SourceCommand>());
    commands.push_back(std::make_unique<ReprocessCommand>());
    commands.push_back(std::make_unique<CutoverCommand>());
    commands.push_back(std::make_unique<ValidateCommand>());
    return commands;
}

void printOverview(std::ostream& out) {
    out << "usage: gatewayctl COMMAND [OPTIONS] [ARGUMENTS]\n\ncommands:\n";
    for (const auto& command : allCommands()) out << "  " << command->usage() << "\n";
    out << "\n'gatewayctl COMMAND --help' explains one command.\n";
}

/// Runs one Command with Poco's option handling.
class GatewayCtl : public Poco::Util::Application {
  public:
    explicit GatewayCtl(Command& command) : command_(command) { setUnixOptions(true); }

  protected:
    void defineOptions(Poco::Util::OptionSet& options) override {
        Application::defineOptions(options);
        options.addOption(Poco::Util::Option("help", "h", "show this help").repeatable(false));
        command_.defineOptions(options);
    }

    void handleOption(const std::string& name, const std::string& value) override {
        Application::handleOption(name, value);
        if (name == "help") {
            helpRequested_ = true;
            stopOptionsProcessing();
        } else {
            command_.handleOption(name, value);
        }
    }

    int main(const std::vector<std::string>& arguments) override {
        if (helpRequested_) {
            Poco::Util::HelpFormatter help(options());
            help.setCommand("gatewayctl");
            help.setUsage(command_.usage());
            help.setHeader(command_.summary());
            help.format(std::cout);
            return Command::kOk;
        }
        try {
            return command_.run(arguments);
        } catch (const ConfigError& e) {
            std::cerr << "gatewayctl " << command_.name() << ": " << e.what() << "\n";
            return Command::kUsage;
        }
    }

  private:
    Command& command_;
    bool helpRequested_ = false;
};

}  // namespace
}  // namespace gw

int main(int argc, char** argv) {
    // The secrets file and any store it makes are for its user alone.
    ::umask(077);
    Poco::AutoPtr<Poco::Channel> console(new Poco::ConsoleChannel(std::cerr));
    Poco::Logger::root().setChannel(Poco::AutoPtr<Poco::Channel>(new gw::MaskingChannel(console)));

    if (argc < 2 || std::string(argv[1]) == "--help" || std::string(argv[1]) == "-h") {
        gw::printOverview(argc < 2 ? std::cerr : std::cout);
        return argc < 2 ? gw::Command::kUsage : gw::Command::kOk;
    }
    auto commands = gw::allCommands();
    for (auto& command : commands) {
        if (command->name() != argv[1]) continue;
        gw::GatewayCtl app(*command);
        argv[1] = argv[0];  // the command's own options follow its name
        try {
            app.init(argc - 1, argv + 1);
        } catch (const Poco::Exception& e) {
            std::cerr << "gatewayctl " << command->name() << ": " << e.displayText()
                      << " (see gatewayctl " << command->name() << " --help)\n";
            return gw::Command::kUsage;
        }
        return app.run();
    }
    std::cerr << "gatewayctl: unknown command '" << argv[1] << "'\n";
    gw::printOverview(std::cerr);
    return gw::Command::kUsage;
}
