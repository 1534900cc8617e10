#include "gateway/sources/drop/drop_source.h"

#include <Poco/File.h>
#include <Poco/Path.h>
#include <Poco/String.h>
#include <Poco/UUIDGenerator.h>

#include <cstdio>

#include "gateway/core/folder_files.h"
#include "gateway/core/private_files.h"

namespace gw {

DropSource::DropSource(SourceSettings settings, Mapping mapping, const SourceOptions& options)
    : ReceivedSource(std::move(settings), std::move(mapping),
                     options.text("folder") + "/processing", options.text("folder")),
      folder_(options.text("folder")) {}

SourceKind DropSource::kind() {
    return {"drop",
            "every file left in a folder with a .done marker beside it",
            {{"folder", "", true, true, "the folder the exports are left in"}},
            "every 30s",
            factoryOf<DropSource>()};
}

std::vector<std::string> DropSource::collectArrived() {
    createPrivateFolders(waitingFolder());
    std::vector<std::string> claimed;
    // A file listed may be gone by now (claimed by another instance): it is left out, and the
    // rest of the folder is still looked at.
    for (const auto& listed : regularFilesIn(folder_)) {
        const std::string path = listed.path(), file = Poco::Path(path).getFileName();
        if (file.front() == '.' || Poco::endsWith(file, std::string(".done"))) continue;
        Poco::File marker(path + ".done");
        if (!marker.exists()) continue;  // still being written
        std::string input =
            file + "." + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        // The rename is the claim: of two instances looking at one folder, one wins.
        if (::rename(path.c_str(), (waitingFolder() + "/" + input).c_str()) != 0) continue;
        marker.remove();
        claimed.push_back(input);
    }
    return claimed;
}

std::vector<std::string> DropSource::waitingInputs() const {
    std::vector<std::string> waiting;
    for (const auto& file : regularFilesIn(waitingFolder())) {
        std::string name = Poco::Path(file.path()).getFileName();
        if (name.front() != '.') waiting.push_back(name);
    }
    return waiting;
}

}  // namespace gw
