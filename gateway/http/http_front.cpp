#include "gateway/http/http_front.h"

#include <Poco/Logger.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerConnection.h>
#include <Poco/Net/StreamSocketImpl.h>
#include <fcntl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <cstring>
#include <vector>

namespace gw {
namespace {

using boost::asio::ip::tcp;

/// A connection the front admitted: Poco's HTTP connection, which tells the front when it ends.
class AdmittedConnection : public Poco::Net::HTTPServerConnection {
  public:
    AdmittedConnection(const Poco::Net::StreamSocket& socket,
                       Poco::Net::HTTPServerParams::Ptr params,
                       Poco::Net::HTTPRequestHandlerFactory::Ptr api, std::function<void()> ended)
        : HTTPServerConnection(socket, params, api), ended_(std::move(ended)) {}
    ~AdmittedConnection() override { ended_(); }

  private:
    std::function<void()> ended_;
};

class AdmittedConnectionFactory : public Poco::Net::TCPServerConnectionFactory {
  public:
    using Ended = std::function<void(const std::string& address)>;
    AdmittedConnectionFactory(Poco::Net::HTTPServerParams::Ptr params,
                              Poco::Net::HTTPRequestHandlerFactory::Ptr api, Ended ended)
        : params_(params), api_(api), ended_(std::move(ended)) {}

    Poco::Net::TCPServerConnection* createConnection(
        const Poco::Net::StreamSocket& socket) override {
        std::string address = socket.peerAddress().host().toString();
        return new AdmittedConnection(socket, params_, api_,
                                      [ended = ended_, address] { ended(address); });
    }

  private:
    Poco::Net::HTTPServerParams::Ptr params_;
    Poco::Net::HTTPRequestHandlerFactory::Ptr api_;
    Ended ended_;
};

std::string response(int status, const std::string& contentType, const std::string& body) {
    auto reason = Poco::Net::HTTPResponse::getReasonForStatus(
        static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
    return "HTTP/1.1 " + std::to_string(status) + " " + reason +
           "\r\nContent-Type: " + contentType +
           "\r\nContent-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n" +
           body;
}

}  // namespace

/// A connection whose request head has not fully arrived yet.
struct HttpFront::Waiting {
    Waiting(boost::asio::io_context& io, tcp::socket accepted)
        : socket(std::move(accepted)), deadline(io), pause(io) {}

    tcp::socket socket;
    std::string address;
    boost::asio::steady_timer deadline;  ///< for the whole head
    boost::asio::steady_timer pause;     ///< between looks at a head still incomplete
    bool done = false;
};

HttpFront::HttpFront(const std::string& address, unsigned short port,
                     Poco::Net::HTTPRequestHandlerFactory::Ptr api,
                     Poco::Net::HTTPServerParams::Ptr params, Limits limits, HealthAnswer health)
    : acceptor_(io_, tcp::endpoint(boost::asio::ip::make_address(address), port)),
      acceptPause_(io_),
      params_(params),
      limits_(limits),
      health_(std::move(health)),
      pool_(2, params->getMaxThreads()),
      dispatcher_(api ? new Poco::Net::TCPServerDispatcher(
                            new AdmittedConnectionFactory(
                                params, api, [this](const std::string& a) { release(a); }),
                            pool_, params)
                      : nullptr) {}

HttpFront::~HttpFront() {
    stop();
}

std::string HttpFront::boundAddress() const {
    auto endpoint = acceptor_.local_endpoint();
    return endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
}

void HttpFront::start() {
    accept();
    thread_ = std::thread([this] { io_.run(); });
}

void HttpFront::stop() {
    if (!thread_.joinable()) return;
    io_.stop();
    thread_.join();
    if (dispatcher_) dispatcher_->stop();
    pool_.joinAll();
}

void HttpFront::accept() {
    acceptor_.async_accept([this](boost::system::error_code error, tcp::socket socket) {
        if (error == boost::asio::error::operation_aborted) return;
        if (error) {
            // Out of descriptors, say: try again a little later rather than spin.
            Poco::Logger::get("gateway.http")
                .warning("cannot accept a connection: " + error.message());
            acceptPause_.expires_after(std::chrono::milliseconds(100));
            acceptPause_.async_wait([this](boost::system::error_code e) {
                if (!e) accept();
            });
            return;
        }
        auto connection = std::make_shared<Waiting>(io_, std::move(socket));
        boost::system::error_code ignored;
        auto peer = connection->socket.remote_endpoint(ignored);
        connection->address = peer.address().to_string();
        ++waiting_;
        if (waiting_ > limits_.maxWaiting) {
            refuse(connection, 503, "too many connections are waiting");
        } else {
            connection->deadline.expires_after(limits_.headTimeout);
            connection->deadline.async_wait([this, connection](boost::system::error_code e) {
                if (!e && !connection->done)
                    refuse(connection, 408, "the request head did not arrive in time");
            });
            watch(connection);
        }
        accept();
    });
}

void HttpFront::watch(std::shared_ptr<Waiting> connection) {
    connection->socket.async_wait(tcp::socket::wait_read,
                                  [this, connection](boost::system::error_code error) {
                                      if (connection->done) return;
                                      if (error) {
                                          refuse(connection, 0, "");
                                          return;
                                      }
                                      peek(connection);
                                  });
}

void HttpFront::peek(std::shared_ptr<Waiting> connection) {
    std::vector<char> head(limits_.maxHeadBytes);
    ssize_t got = ::recv(connection->socket.native_handle(), head.data(), head.size(),
                         MSG_PEEK | MSG_DONTWAIT);
    if (got == 0 || (got < 0 && errno != EAGAIN && errno != EWOULDBLOCK)) {
        refuse(connection, 0, "");  // the client went away
        return;
    }
    std::string_view seen(head.data(), got > 0 ? static_cast<std::size_t>(got) : 0);
    auto end = seen.find("\r\n\r\n");
    if (end != std::string_view::npos) {
        if (stopWaiting(*connection)) admit(connection, end + 4);
    } else if (seen.size() >= limits_.maxHeadBytes) {
        refuse(connection, 431, "the request head is too large");
    } else {
        // The bytes stay unread, so the socket stays readable: look again a little later.
        connection->pause.expires_after(std::chrono::milliseconds(20));
        connection->pause.async_wait([this, connection](boost::system::error_code error) {
            if (!error && !connection->done) watch(connection);
        });
    }
}

bool HttpFront::stopWaiting(Waiting& connection) {
    if (connection.done) return false;
    connection.done = true;
    --waiting_;
    connection.deadline.cancel();
    connection.pause.cancel();
    return true;
}

void HttpFront::admit(std::shared_ptr<Waiting> connection, std::size_t headBytes) {
    int fd = connection->socket.native_handle();
    std::vector<char> head(headBytes);
    ssize_t got = ::recv(fd, head.data(), head.size(), MSG_PEEK | MSG_DONTWAIT);
    std::string_view line(head.data(), got > 0 ? static_cast<std::size_t>(got) : 0);
    line = line.substr(0, line.find("\r\n"));
    for (const char* path : {"/healthz", "/readyz"}) {
        for (const char* tail : {" ", "?"}) {
            if (line.rfind(std::string("GET ") + path + tail, 0) == 0) {
                // Read off, so that closing after the answer is orderly.
                ssize_t consumed = ::recv(fd, head.data(), head.size(), MSG_DONTWAIT);
                (void)consumed;
                auto [status, body] = health_(path);
                std::string text = response(status, "application/json", body);
                boost::system::error_code ignored;
                boost::asio::write(connection->socket, boost::asio::buffer(text), ignored);
                connection->socket.shutdown(tcp::socket::shutdown_both, ignored);
                connection->socket.close(ignored);
                return;
            }
        }
    }
    if (!dispatcher_) {
        answerAndClose(*connection, 404, "this port answers /healthz and /readyz only");
        return;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (inPool_[connection->address] >= limits_.requestsPerAddress) {
            answerAndClose(*connection, 429, "too many requests from this address at once");
            return;
        }
        ++inPool_[connection->address];
    }
    // The rest goes to the request pool: Poco reads the head again from the socket.
    int handedOver = ::dup(fd);
    boost::system::error_code ignored;
    connection->socket.close(ignored);
    if (handedOver < 0) {
        release(connection->address);
        return;
    }
    // Asio made the socket non-blocking, and the flag belongs to the socket, not to one
    // descriptor: the pool reads it blocking, with its timeouts.
    ::fcntl(handedOver, F_SETFL, ::fcntl(handedOver, F_GETFL) & ~O_NONBLOCK);
    try {
        dispatcher_->enqueue(Poco::Net::StreamSocket(new Poco::Net::StreamSocketImpl(handedOver)));
    } catch (const Poco::Exception& e) {
        Poco::Logger::get("gateway.http")
            .error("cannot hand a request to the pool: " + e.displayText());
        release(connection->address);
    }
}

void HttpFront::refuse(std::shared_ptr<Waiting> connection, int status, const std::string& reason) {
    if (stopWaiting(*connection)) answerAndClose(*connection, status, reason);
}

void HttpFront::answerAndClose(Waiting& connection, int status, const std::string& reason) {
    boost::system::error_code ignored;
    if (status != 0) {
        // What the client sent is dropped first, so that closing does not reset the connection
        // before it reads the answer.
        std::vector<char> drop(limits_.maxHeadBytes);
        while (::recv(connection.socket.native_handle(), drop.data(), drop.size(), MSG_DONTWAIT) >
               0) {
        }
        std::string text =
            response(status, "application/json",
                     "{\"error\":\"" +
                         Poco::Net::HTTPResponse::getReasonForStatus(
                             static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status)) +
                         "\",\"detail\":\"" + reason + "\"}\n");
        boost::asio::write(connection.socket, boost::asio::buffer(text), ignored);
        connection.socket.shutdown(tcp::socket::shutdown_both, ignored);
    }
    connection.socket.close(ignored);
}

void HttpFront::release(const std::string& address) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto open = inPool_.find(address);
    if (open != inPool_.end() && --open->second <= 0) inPool_.erase(open);
}

}  // namespace gw
