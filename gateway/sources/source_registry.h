#pragma once

// SourceRegistry: the source kinds by name, each with its configuration table and factory.

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "gateway/sources/source.h"

namespace gw {

/// One key of a source kind's configuration table: source.<name>.<key>.
struct SourceKey {
    std::string name;
    std::string fallback;  ///< the value when it is not set; unused when required
    bool required = false;
    bool path = false;  ///< a file or folder: resolved against the configuration file's folder
    std::string help;
};

/// The values of one source's configuration table, as its kind's factory reads them: every key
/// of the table has a value (its fallback when not set), and every error names the key.
class SourceOptions {
  public:
    SourceOptions(std::string sourceName, std::map<std::string, std::string> values,
                  std::string spoolDirectory)
        : sourceName_(std::move(sourceName)),
          values_(std::move(values)),
          spoolDirectory_(std::move(spoolDirectory)) {}

    /// The value of a key of the kind's table.
    const std::string& text(const std::string& key) const;
    /// The value as a whole number of at least `min`; throws ConfigError naming the key.
    int number(const std::string& key, int min) const;
    /// Where pushed and pulled exports are spooled (push.spoolDirectory).
    const std::string& spoolDirectory() const { return spoolDirectory_; }
    /// The full configuration key, for messages: source.<name>.<key>.
    std::string keyOf(const std::string& key) const;

  private:
    std::string sourceName_;
    std::map<std::string, std::string> values_;
    std::string spoolDirectory_;
};

/// One kind of source, as it registers itself: its name, what it does, its configuration table,
/// its default schedule and its factory.
struct SourceKind {
    using Factory = std::function<std::unique_ptr<Source>(SourceSettings settings, Mapping mapping,
                                                          const SourceOptions& options)>;
    std::string name;
    std::string summary;
    std::vector<SourceKey> keys;  ///< besides the keys every source has
    std::string defaultSchedule;  ///< when the source sets none
    Factory create;
};

/// The factory of a kind whose class is made from its settings, mapping and options.
template <typename KindClass>
SourceKind::Factory factoryOf() {
    return [](SourceSettings settings, Mapping mapping, const SourceOptions& options) {
        return std::make_unique<KindClass>(std::move(settings), std::move(mapping), options);
    };
}

/// Makes sources by kind name ("file", "drop", ...), each from its settings and mapping.
class SourceRegistry {
  public:
    void add(SourceKind kind);
    const SourceKind* find(const std::string& name) const;
    /// The kinds' names, sorted, for messages.
    std::string names() const;

    /// Makes the source `settings` describes with its loaded mapping. Throws ConfigError naming
    /// the key at fault: an unknown kind, a required key missing, a bad value.
    std::unique_ptr<Source> create(SourceSettings settings, Mapping mapping,
                                   const std::string& spoolDirectory) const;
    /// The keys set under source.<name>. that neither every source nor its kind reads.
    std::vector<std::string> unknownKeys(const SourceSettings& settings) const;

  private:
    std::map<std::string, SourceKind> kinds_;
};

/// The registry holding every source kind built into the gateway (gateway/sources/builtin.cpp).
const SourceRegistry& builtinSources();

}  // namespace gw
