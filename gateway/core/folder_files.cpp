#include "gateway/core/folder_files.h"

#include <Poco/DirectoryIterator.h>
#include <Poco/Exception.h>

namespace gw {

std::vector<Poco::File> regularFilesIn(const std::string& folder) {
    std::vector<Poco::File> files;
    if (!Poco::File(folder).exists() || !Poco::File(folder).isDirectory()) return files;
    for (Poco::DirectoryIterator it(folder), end; it != end; ++it) {
        try {
            if (it->isFile()) files.push_back(*it);
        } catch (const Poco::FileNotFoundException&) {
            // gone since the folder was listed
        }
    }
    return files;
}

}  // namespace gw
