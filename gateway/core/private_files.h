#pragma once

#include <string>

namespace gw {

/// Creates `folder` and any missing parents readable by their owner only (0700).
void createPrivateFolders(const std::string& folder);

/// Throws ConfigError naming `path` when the file exists and its group or others may read,
/// write or run it: what it holds (the store, the keys) is for the gateway's user alone.
void refuseIfOpenToOthers(const std::string& path, const std::string& what);

/// Writes `content` to `path` so that a crash leaves the old file or the new one, never a part:
/// a temporary file beside it (0600), fsync, rename, fsync of the folder. Throws
/// std::runtime_error when any step fails.
void writeFileAtomically(const std::string& path, const std::string& content);

}  // namespace gw
