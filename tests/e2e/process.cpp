#include "process.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/File.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Path.h>
#include <Poco/PipeStream.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <Poco/TemporaryFile.h>
#include <Poco/URI.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <sstream>
#include <thread>

namespace gw::test {
namespace {

/// docs/api/openapi.yaml, as JSON.
const nlohmann::json& apiDescription() {
    static const nlohmann::json api = nlohmann::json::parse(readFile(GATEWAY_OPENAPI_JSON));
    return api;
}

/// Where `value` departs from an OpenAPI schema: a wrong type, a missing required field, a value
/// outside its enum, or a field the schema does not name.
void departures(const nlohmann::json& value, const nlohmann::json& schema, const std::string& at,
                std::vector<std::string>& found) {
    if (schema.contains("$ref")) {
        std::string ref = schema["$ref"].get<std::string>();  // "#/components/schemas/X"
        departures(value, apiDescription()[nlohmann::json::json_pointer(ref.substr(1))], at, found);
        return;
    }
    std::string type = schema.value("type", "");
    bool fits = type.empty() || (type == "object" && value.is_object()) ||
                (type == "array" && value.is_array()) || (type == "string" && value.is_string()) ||
                (type == "integer" && value.is_number_integer()) ||
                (type == "number" && value.is_number()) ||
                (type == "boolean" && value.is_boolean());
    if (!fits) {
        found.push_back(at + ": " + value.dump().substr(0, 80) + " is not " + type);
        return;
    }
    if (schema.contains("enum") &&
        std::find(schema["enum"].begin(), schema["enum"].end(), value) == schema["enum"].end())
        found.push_back(at + ": " + value.dump() + " is outside its enum");
    if (value.is_object() && schema.contains("properties")) {
        for (const auto& name : schema.value("required", nlohmann::json::array())) {
            if (!value.contains(name.get<std::string>()))
                found.push_back(at + ": no " + name.get<std::string>());
        }
        for (const auto& [name, field] : value.items()) {
            if (schema["properties"].contains(name)) {
                departures(field, schema["properties"][name], at + "/" + name, found);
            } else {
                found.push_back(at + "/" + name + ": not in the description");
            }
        }
    }
    if (value.is_array() && schema.contains("items")) {
        for (std::size_t i = 0; i < value.size(); ++i)
            departures(value[i], schema["items"], at + "/" + std::to_string(i), found);
    }
}

/// Checks an answer against the description of its path, method and status: an undocumented
/// status, or a JSON body that departs from the documented schema, fails the running test.
/// Paths the description does not have (probes of what does not exist) are not checked.
void checkAgainstDescription(const std::string& method, const std::string& target,
                             const HttpReply& reply) {
    std::string path = target.substr(0, target.find('?'));
    std::vector<std::string> segments;
    Poco::URI(path).getPathSegments(segments);
    for (const auto& [pattern, operations] : apiDescription()["paths"].items()) {
        std::vector<std::string> parts;
        Poco::URI(pattern).getPathSegments(parts);
        bool matches = parts.size() == segments.size();
        for (std::size_t i = 0; matches && i < parts.size(); ++i)
            matches = parts[i].front() == '{' || parts[i] == segments[i];
        std::string verb = Poco::toLower(method);
        if (!matches || !operations.contains(verb)) continue;
        const auto& responses = operations[verb]["responses"];
        std::string status = std::to_string(reply.status);
        if (!responses.contains(status)) {
            ADD_FAILURE() << method << " " << pattern << " answered " << status
                          << ", which the description does not have: " << reply.body;
            return;
        }
        nlohmann::json response = responses[status];
        if (response.contains("$ref")) {
            std::string ref = response["$ref"].get<std::string>();
            response = apiDescription()[nlohmann::json::json_pointer(ref.substr(1))];
        }
        auto type = reply.headers.find("Content-Type");
        bool json = type != reply.headers.end() && type->second.rfind("application/json", 0) == 0;
        if (!json) return;
        const auto& schema = response.value("content", nlohmann::json::object())
                                 .value("application/json", nlohmann::json::object())
                                 .value("schema", nlohmann::json());
        if (schema.is_null()) {
            ADD_FAILURE() << method << " " << pattern << " " << status
                          << " answered JSON that the description does not describe";
            return;
        }
        std::vector<std::string> found;
        departures(nlohmann::json::parse(reply.body), schema, "", found);
        for (const auto& departure : found)
            ADD_FAILURE() << method << " " << pattern << " " << status << ": " << departure;
        return;
    }
}

}  // namespace

ProcessResult runProcess(const std::string& program, const std::vector<std::string>& arguments) {
    Poco::Pipe outPipe, errPipe;
    Poco::ProcessHandle handle =
        Poco::Process::launch(program, arguments, nullptr, &outPipe, &errPipe);
    Poco::PipeInputStream outStream(outPipe), errStream(errPipe);
    ProcessResult result;
    // Both streams are drained at once so that neither pipe can fill up and block the child.
    std::thread errReader([&] { Poco::StreamCopier::copyToString(errStream, result.err); });
    Poco::StreamCopier::copyToString(outStream, result.out);
    errReader.join();
    result.exitCode = handle.wait();
    return result;
}

std::string sampleExport(const std::string& municipality) {
    std::string folder = std::string(GATEWAY_SOURCE_DIR) + "/samples/" + municipality;
    for (Poco::DirectoryIterator it(folder), end; it != end; ++it) {
        if (it.name() != "expected-rejects.csv") return it.path().toString();
    }
    throw std::runtime_error("no sample export in " + folder);
}

std::vector<std::string> sampleMunicipalities() {
    std::vector<std::string> names;
    for (Poco::DirectoryIterator it(std::string(GATEWAY_SOURCE_DIR) + "/samples"), end; it != end;
         ++it) {
        names.push_back(it.name());
    }
    std::sort(names.begin(), names.end());
    return names;
}

GatewayWorkspace::GatewayWorkspace(const std::vector<std::string>& municipalities,
                                   std::map<std::string, std::string> extra)
    : folder_(Poco::TemporaryFile::tempName()) {
    Poco::File(folder_).createDirectories();
    const std::string root = GATEWAY_SOURCE_DIR;
    std::map<std::string, std::string> config = {
        {"store.backend", "sqlite"},
        {"store.connection", "var/gateway.db"},
        {"http.address", "127.0.0.1"},
        {"http.port", "0"},
        {"logging.file", "var/log/gatewayd.log"},
        {"logging.level", "debug"},
        {"schemas.directory", root + "/schemas/v1"},
        {"schemas.mapping", root + "/schemas/mapping.schema.json"},
        {"secrets.file", "var/secrets.properties"}};
    std::string names;
    for (const auto& municipality : municipalities) {
        names += (names.empty() ? "" : ",") + municipality;
        config["source." + municipality + ".kind"] = "file";
        config["source." + municipality + ".mapping"] =
            root + "/mappings/" + municipality + ".json";
        config["source." + municipality + ".path"] = sampleExport(municipality);
    }
    config["sources"] = names;
    for (auto& [key, value] : extra) config[key] = value;
    config_ = config;
    writeConfig("gateway", {});
}

std::string GatewayWorkspace::writeConfig(
    const std::string& name, const std::map<std::string, std::string>& overrides) const {
    auto config = config_;
    for (const auto& [key, value] : overrides) config[key] = value;
    std::string path = folder_ + "/" + name + ".properties";
    std::ofstream file(path);
    for (const auto& [key, value] : config) file << key << " = " << value << "\n";
    return path;
}

namespace {

Poco::ProcessHandle launchGateway(const std::string& configFile,
                                  const std::vector<std::string>& wrapper) {
    if (wrapper.empty()) return Poco::Process::launch(GATEWAYD_PATH, {"--config", configFile});
    std::vector<std::string> arguments(wrapper.begin() + 1, wrapper.end());
    arguments.insert(arguments.end(), {GATEWAYD_PATH, "--config", configFile});
    return Poco::Process::launch(wrapper.front(), arguments);
}

}  // namespace

RunningGateway::RunningGateway(const std::string& configFile, unsigned short port,
                               const std::vector<std::string>& wrapper)
    : process_(launchGateway(configFile, wrapper)), port_(port) {
    bool ready = eventually([&] {
        if (!Poco::Process::isRunning(process_)) return true;  // it will not become ready
        return http(port_, "GET", "/readyz").status == 200;
    });
    if (!ready || !Poco::Process::isRunning(process_)) {
        stop(SIGKILL);
        throw std::runtime_error("gatewayd did not become ready on port " + std::to_string(port));
    }
}

RunningGateway::~RunningGateway() {
    if (running_) stop(SIGTERM);
}

int RunningGateway::stop(int signal) {
    ::kill(process_.id(), signal);
    running_ = false;
    return process_.wait();
}

std::string GatewayWorkspace::addToken(const std::string& name, const std::string& scopes) const {
    auto made = runProcess(GATEWAYCTL_PATH,
                           {"token", "add", name, "--scopes", scopes, "--config", configFile()});
    if (made.exitCode != 0) throw std::runtime_error("gatewayctl token add: " + made.err);
    return made.out.substr(0, made.out.find('\n'));
}

GatewayWorkspace::~GatewayWorkspace() {
    try {
        Poco::File(folder_).remove(true);
    } catch (...) {
    }
}

HttpReply http(unsigned short port, const std::string& method, const std::string& path,
               const std::string& token, const std::string& body,
               const std::map<std::string, std::string>& headers) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(30, 0));
    Poco::Net::HTTPRequest request(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!body.empty()) {
        request.setContentType("application/json");
        request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    std::istream& in = session.receiveResponse(response);
    HttpReply reply;
    reply.status = static_cast<int>(response.getStatus());
    for (const auto& [name, value] : response) reply.headers[name] = value;
    Poco::StreamCopier::copyToString(in, reply.body);
    checkAgainstDescription(method, path, reply);
    return reply;
}

HttpReply push(unsigned short port, const std::string& path, const std::string& token,
               const std::string& contentType, const std::string& body, int parts,
               std::chrono::milliseconds pause) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(60, 0));
    Poco::Net::HTTPRequest request("POST", path, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!token.empty()) request.set("Authorization", "Bearer " + token);
    request.setContentType(contentType);
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    std::ostream& out = session.sendRequest(request);
    std::size_t part = (body.size() + static_cast<std::size_t>(parts) - 1) /
                       static_cast<std::size_t>(std::max(1, parts));
    for (std::size_t at = 0; at < body.size(); at += part) {
        if (at > 0) std::this_thread::sleep_for(pause);
        out << body.substr(at, part) << std::flush;
    }
    Poco::Net::HTTPResponse response;
    HttpReply reply;
    std::istream& in = session.receiveResponse(response);
    reply.status = static_cast<int>(response.getStatus());
    Poco::StreamCopier::copyToString(in, reply.body);
    for (const auto& [name, value] : response) reply.headers[name] = value;
    checkAgainstDescription("POST", path, reply);
    return reply;
}

unsigned short freeLoopbackPort() {
    // Below the kernel's range for outgoing connections (ip_local_port_range, 32768-60999 by
    // default): a port from that range, found free and let go, can be given to another test's
    // client connection before gatewayd binds it. Tests in parallel each draw at random.
    static std::mt19937 random(std::random_device{}());
    std::uniform_int_distribution<unsigned> ports(10000, 32000);
    for (;;) {
        auto port = static_cast<unsigned short>(ports(random));
        try {
            Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", port));
            return port;
        } catch (const Poco::Exception&) {
            // taken: draw again
        }
    }
}

std::vector<std::string> filesIn(const std::string& folder) {
    std::vector<std::string> names;
    if (!Poco::File(folder).exists()) return names;
    for (Poco::DirectoryIterator it(folder), end; it != end; ++it) {
        if (it->isFile()) names.push_back(it.name());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string readFile(const std::string& path) {
    std::ifstream file(path, std::ios::binary);
    std::ostringstream text;
    text << file.rdbuf();
    return text.str();
}

std::vector<ExpectedReject> expectedRejects(const std::string& sampleFolder) {
    std::ifstream file(sampleFolder + "/expected-rejects.csv");
    std::string row;
    std::getline(file, row);  // header
    std::vector<ExpectedReject> rejects;
    while (std::getline(file, row)) {
        std::istringstream fields(row);
        std::string line, record, rule, field;
        std::getline(fields, line, ';');
        std::getline(fields, record, ';');
        std::getline(fields, rule, ';');
        std::getline(fields, field, ';');
        rejects.push_back({std::stol(line), std::stol(record), rule, field});
    }
    return rejects;
}

long sampleRows(const std::string& csvFile) {
    std::ifstream file(csvFile, std::ios::binary);
    long lines = 0;
    std::string row;
    while (std::getline(file, row)) ++lines;
    return lines - 1;
}

const std::vector<std::string>& surveyMunicipalities() {
    static const std::vector<std::string> names = {
        "ikaalinen", "tampere", "hameenkyro", "nokia", "mantta-vilppula", "parkano", "kihnio"};
    return names;
}

}  // namespace gw::test
