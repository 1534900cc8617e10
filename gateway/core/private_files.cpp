#include "gateway/core/private_files.h"

#include <Poco/Path.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "gateway/core/errors.h"

namespace gw {
namespace {

std::runtime_error systemError(const std::string& what) {
    return std::runtime_error(what + ": " + std::strerror(errno));
}

}  // namespace

void createPrivateFolders(const std::string& folder) {
    Poco::Path path(Poco::Path(folder).makeAbsolute());
    path.makeDirectory();
    std::string prefix = "/";
    for (int i = 0; i < path.depth(); ++i) {
        prefix += path[i] + "/";
        if (::mkdir(prefix.c_str(), 0700) != 0 && errno != EEXIST)
            throw systemError("cannot create " + prefix);
    }
}

void refuseIfOpenToOthers(const std::string& path, const std::string& what) {
    struct stat status {};
    if (::stat(path.c_str(), &status) != 0) return;
    if ((status.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
        throw ConfigError(what + " " + path +
                          " is open to other users; make it readable by its owner only "
                          "(chmod 600 " +
                          path + ")");
    }
}

void writeFileAtomically(const std::string& path, const std::string& content) {
    std::string folder = Poco::Path(path).makeAbsolute().parent().toString();
    std::string temporary = path + ".new";
    int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd < 0) throw systemError("cannot create " + temporary);
    for (std::size_t written = 0; written < content.size();) {
        ssize_t n = ::write(fd, content.data() + written, content.size() - written);
        if (n < 0) {
            ::close(fd);
            ::unlink(temporary.c_str());
            throw systemError("cannot write " + temporary);
        }
        written += static_cast<std::size_t>(n);
    }
    bool synced = ::fsync(fd) == 0;
    ::close(fd);
    if (!synced || ::rename(temporary.c_str(), path.c_str()) != 0) {
        ::unlink(temporary.c_str());
        throw systemError("cannot replace " + path);
    }
    int directory = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY);
    if (directory >= 0) {
        ::fsync(directory);
        ::close(directory);
    }
}

}  // namespace gw
