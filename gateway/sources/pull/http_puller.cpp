#include "gateway/sources/pull/http_puller.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Logger.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <random>
#include <thread>

#include "gateway/core/errors.h"

namespace gw {
namespace {

/// A failure that another attempt cannot change.
struct Permanent : std::runtime_error {
    using std::runtime_error::runtime_error;
};

std::unique_ptr<Poco::Net::HTTPClientSession> sessionFor(const Poco::URI& uri) {
    if (uri.getScheme() == "https") {
        static const Poco::Net::Context::Ptr context = [] {
            Poco::Net::initializeSSL();
            return Poco::Net::Context::Ptr(
                new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, "", "", "",
                                       Poco::Net::Context::VERIFY_RELAXED, 9, true));
        }();
        return std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(),
                                                               context);
    }
    if (uri.getScheme() != "http") throw Permanent("the url must be http:// or https://");
    return std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
}

// One attempt: the export into `path`, or an exception.
void fetch(const Poco::URI& uri, int timeoutSeconds, const std::string& path) {
    auto session = sessionFor(uri);
    session->setTimeout(Poco::Timespan(timeoutSeconds, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, uri.getPathAndQuery(),
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    session->sendRequest(request);
    Poco::Net::HTTPResponse response;
    std::istream& body = session->receiveResponse(response);
    int status = response.getStatus();
    if (status != 200) {
        std::string reason = "HTTP " + std::to_string(status) + " " + response.getReason();
        bool passing = status == 408 || status == 429 || status >= 500;
        if (passing) throw std::runtime_error(reason);
        throw Permanent(reason);
    }
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    auto copied = Poco::StreamCopier::copyStream64(body, out);
    out.close();
    if (!out) throw std::runtime_error("cannot write " + path);
    if (response.hasContentLength() &&
        static_cast<Poco::Int64>(copied) != response.getContentLength64())
        throw std::runtime_error("the answer ended after " + std::to_string(copied) + " of " +
                                 std::to_string(response.getContentLength64()) + " bytes");
}

}  // namespace

std::string HttpPuller::pull(const PullSettings& source, const std::string& watermark,
                             const std::string& path, const std::atomic<bool>* stop) {
    auto& log = Poco::Logger::get("gateway.pull");
    Poco::URI uri(source.url);
    if (!watermark.empty()) uri.addQueryParameter(source.watermarkParameter, watermark);
    // Only scheme, host and path go to messages: a query may carry a key.
    std::string where = uri.getScheme() + "://" + uri.getAuthority() + uri.getPath();
    std::mt19937 random(std::random_device{}());
    std::string lastError;
    for (int attempt = 1; attempt <= source.attempts; ++attempt) {
        std::string started = Poco::DateTimeFormatter::format(Poco::Timestamp(),
                                                              Poco::DateTimeFormat::ISO8601_FORMAT);
        try {
            fetch(uri, source.timeoutSeconds, path);
            return started;
        } catch (const Permanent& e) {
            throw InputError("pull of " + where + " refused: " + e.what());
        } catch (const Poco::Exception& e) {
            lastError = e.displayText();
        } catch (const std::exception& e) {
            lastError = e.what();
        }
        if (attempt == source.attempts) break;
        // Exponential backoff with full jitter, at most a minute, cut short by a stop.
        long base =
            std::min<long>(60000, static_cast<long>(source.retryBaseMillis) << (attempt - 1));
        long wait = base + std::uniform_int_distribution<long>(0, base)(random);
        log.warning("pull of " + where + ", attempt " + std::to_string(attempt) + " of " +
                    std::to_string(source.attempts) + " failed (" + lastError + "); again in " +
                    std::to_string(wait) + " ms");
        for (auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(wait);
             std::chrono::steady_clock::now() < until;) {
            if (stop && *stop) throw InputError("pull of " + where + " stopped");
            std::this_thread::sleep_for(std::chrono::milliseconds(std::min<long>(wait, 100)));
        }
    }
    throw InputError("pull of " + where + " failed after " + std::to_string(source.attempts) +
                     " attempts: " + lastError);
}

}  // namespace gw
