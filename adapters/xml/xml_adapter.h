#pragma once

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "adapters/adapter.h"

namespace gw {

/// Streams the records of an XML export with libxml2's reader (xmlTextReader): records are the
/// elements at a configured path; each is expanded on its own and its fields are picked by XPath
/// relative to it. Safe by construction: no network, no DTD, no entities, bounded depth and size.
class XmlAdapter : public Adapter {
  public:
    struct Options {
        /// Element path of the records, e.g. "/v:vienti/v:asiakas" (prefixes from `namespaces`).
        std::string records;
        std::map<std::string, std::string> namespaces;  ///< prefix -> namespace URI
        /// Field name -> XPath relative to the record; empty: each child element's text by its
        /// local name, and each attribute of the record as "@name".
        std::vector<std::pair<std::string, std::string>> fields;
        /// Each leaf element and attribute below the record by its path, as the JSON adapter names
        /// fields: "/hetu", "/jakso/0/alku", "/jakso/1/@id". An element with child elements, or a
        /// name repeated among its siblings, is numbered from 0, so that a mapping can take each
        /// of them ("each"). Exclusive with `fields`.
        bool nested = false;
        std::string encoding;  ///< overrides the declared encoding when set
        std::size_t maxDepth = 64;
        std::size_t maxRecordBytes = 1 << 20;
        std::uint64_t maxTotalBytes = std::uint64_t(64) << 30;

        /// Reads {"records", "namespaces", "fields", "nested", "encoding", "maxDepth",
        /// "maxRecordBytes", "maxTotalBytes"}; throws ConfigError.
        static Options fromJson(const nlohmann::json& options);
    };

    XmlAdapter(std::istream& input, std::string inputName, Options options);

    static std::unique_ptr<Adapter> create(std::istream& input, const std::string& inputName,
                                           const nlohmann::json& options);

    void read(const RecordHandler& handler) override;

    /// How many times libxml2 asked to load anything from outside the input (a DTD, an external
    /// entity). Each request is refused; tests check that the count stays 0 since the reader
    /// rejects the declarations before it would ask.
    static int externalLoadsRefused();

  private:
    std::istream& input_;
    std::string inputName_;
    Options options_;
    std::vector<std::pair<std::string, std::string>> recordPath_;  // (namespace URI, local name)
};

}  // namespace gw
