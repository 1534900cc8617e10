#pragma once

#include <Poco/File.h>

#include <string>
#include <vector>

namespace gw {

/// The regular files directly in `folder`, hidden ones included; none when it is missing or no
/// folder. A file gone between the listing and the look at it (another instance took it) is left
/// out rather than failing the whole listing.
std::vector<Poco::File> regularFilesIn(const std::string& folder);

}  // namespace gw
