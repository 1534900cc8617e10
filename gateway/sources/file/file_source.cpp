#include "gateway/sources/file/file_source.h"

#include <Poco/File.h>
#include <Poco/Path.h>

namespace gw {

FileSource::FileSource(SourceSettings settings, Mapping mapping, const SourceOptions& options)
    : Source(std::move(settings), std::move(mapping)), path_(options.text("path")) {}

SourceKind FileSource::kind() {
    return {"file",
            "one export file, read where it lies whenever a run is asked for",
            {{"path", "", true, true, "the export file"}},
            "",
            factoryOf<FileSource>()};
}

std::optional<std::string> FileSource::requestedInput() const {
    return Poco::Path(path_).getFileName();
}

std::string FileSource::inputPath(std::int64_t, const std::string&) const {
    return path_;
}

}  // namespace gw
