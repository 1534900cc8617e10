#pragma once

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/TCPServerDispatcher.h>
#include <Poco/ThreadPool.h>

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

namespace gw {

/// The plain-HTTP API's front door. One Boost.Asio thread accepts every connection and holds it,
/// without a thread of its own, until its whole request head has arrived (peeked, not read),
/// within a deadline: a client that sends its head a byte at a time, or never, is answered 408
/// and closed without ever taking one of the request pool's threads. /healthz and /readyz are
/// answered on the front's own thread, so that they answer whatever the pool is doing. Every
/// other request goes to Poco's request pool (one request per connection), which runs the API's
/// handlers; a client address with too many requests in the pool already is answered 429.
class HttpFront {
  public:
    struct Limits {
        std::chrono::milliseconds headTimeout{10000};  ///< for the whole request head
        std::size_t maxHeadBytes = 16384;
        int requestsPerAddress = 8;  ///< in the request pool at once
        int maxWaiting = 1024;       ///< connections whose head has not arrived, in all
    };
    /// The status and JSON body of a health path ("/healthz" or "/readyz").
    using HealthAnswer = std::function<std::pair<int, std::string>(const std::string& path)>;

    /// Listens on `address`:`port` (0: any free port) at once; answers nothing before start().
    /// Without `api`, it answers the health paths only (a health port beside an HTTPS API).
    HttpFront(const std::string& address, unsigned short port,
              Poco::Net::HTTPRequestHandlerFactory::Ptr api,
              Poco::Net::HTTPServerParams::Ptr params, Limits limits, HealthAnswer health);
    ~HttpFront();

    std::string boundAddress() const;
    void start();
    /// Stops accepting, closes connections still waiting for their head, and waits for the
    /// requests being handled.
    void stop();

  private:
    struct Waiting;
    void accept();
    void watch(std::shared_ptr<Waiting> connection);
    void peek(std::shared_ptr<Waiting> connection);
    void admit(std::shared_ptr<Waiting> connection, std::size_t headBytes);
    /// Ends the wait for a connection's head; false when it had ended already.
    bool stopWaiting(Waiting& connection);
    /// Answers `status` (none when 0) and closes a connection that ends at the front.
    void refuse(std::shared_ptr<Waiting> connection, int status, const std::string& reason);
    void answerAndClose(Waiting& connection, int status, const std::string& reason);
    void release(const std::string& address);

    boost::asio::io_context io_;
    boost::asio::ip::tcp::acceptor acceptor_;
    boost::asio::steady_timer acceptPause_;
    Poco::Net::HTTPServerParams::Ptr params_;
    Limits limits_;
    HealthAnswer health_;
    Poco::ThreadPool pool_;
    Poco::AutoPtr<Poco::Net::TCPServerDispatcher> dispatcher_;
    std::mutex mutex_;
    std::map<std::string, int> inPool_;  // requests in the pool by client address
    int waiting_ = 0;                    // the front's thread alone
    std::thread thread_;
};

}  // namespace gw
