#include "gateway/sources/input_archive.h"

#include <Poco/Exception.h>
#include <Poco/File.h>
#include <Poco/Logger.h>
#include <Poco/Path.h>

#include <fstream>

#include "gateway/core/identity_code.h"
#include "gateway/core/private_files.h"

namespace gw {

void InputArchive::fileAway(const std::string& path, const TransferInfo& transfer) const {
    try {
        bool ok = transfer.state == "succeeded";
        std::string folder = base_ + (ok ? "/archive" : "/failed");
        createPrivateFolders(folder);
        std::string target = folder + "/" + Poco::Path(path).getFileName();
        Poco::File(path).renameTo(target);
        if (!ok) {
            std::ofstream reason(target + ".reason.txt");
            reason << maskIdentityCodesIn("transfer " + std::to_string(transfer.id) +
                                          " failed: " + transfer.error)
                   << "\n";
        }
    } catch (const Poco::Exception& e) {
        Poco::Logger::get("gateway.transfer")
            .error("cannot file away " + path + ": " + e.displayText());
    }
}

}  // namespace gw
