#include "adapters/xml/xml_adapter.h"

#include <libxml/parserInternals.h>
#include <libxml/xmlreader.h>
#include <libxml/xpath.h>
#include <libxml/xpathInternals.h>

#include <atomic>
#include <cctype>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>

#include "gateway/core/errors.h"

namespace gw {
namespace {

std::atomic<int> refusedLoads{0};

// Every external resource is refused, whatever asks for it.
xmlParserInputPtr refuseExternalLoad(const char*, const char*, xmlParserCtxtPtr) {
    ++refusedLoads;
    return nullptr;
}

void installSafeGlobals() {
    static std::once_flag once;
    std::call_once(once, [] {
        xmlInitParser();
        xmlSetExternalEntityLoader(&refuseExternalLoad);
    });
}

std::string text(const xmlChar* value) {
    return value ? reinterpret_cast<const char*>(value) : "";
}

struct ReaderDeleter {
    void operator()(xmlTextReaderPtr reader) const { xmlFreeTextReader(reader); }
};
struct XPathContextDeleter {
    void operator()(xmlXPathContextPtr context) const { xmlXPathFreeContext(context); }
};
struct XPathDeleter {
    void operator()(xmlXPathCompExprPtr expression) const { xmlXPathFreeCompExpr(expression); }
};

/// The first error libxml2 reported, with its line.
struct ErrorCapture {
    std::string message;
    int line = 0;

    static void record(void* self, const xmlError* error) {
        auto* capture = static_cast<ErrorCapture*>(self);
        if (!capture->message.empty() || !error) return;
        capture->message = error->message ? error->message : "malformed XML";
        while (!capture->message.empty() && capture->message.back() == '\n')
            capture->message.pop_back();
        capture->line = error->line;
    }
};

// Hands libxml2 at most one line per call. The reader parses each piece as soon as it has it, so
// a fault stops the parse before the records of the lines above it are lost.
/// An XPath made only of child steps ("e:jakso/e:palvelu", "@id", "e:jakso/@alku"): the shape of
/// nearly every field. It is answered by walking the record's children, which gives exactly what
/// libxml2's XPath would (the string value of the first match in document order) at a fraction of
/// the cost; every other expression goes to libxml2's XPath.
class ChildPath {
  public:
    /// The path, or nothing when `xpath` is not a plain child path.
    static std::optional<ChildPath> parse(const std::string& xpath,
                                          const std::map<std::string, std::string>& namespaces) {
        ChildPath path;
        std::size_t start = 0;
        while (start <= xpath.size()) {
            std::size_t slash = xpath.find('/', start);
            std::string step =
                xpath.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
            Step parsed;
            if (!step.empty() && step[0] == '@') {
                if (slash != std::string::npos) return std::nullopt;  // an attribute ends the path
                parsed.attribute = true;
                step.erase(0, 1);
            }
            std::size_t colon = step.find(':');
            if (colon != std::string::npos) {
                auto ns = namespaces.find(step.substr(0, colon));
                if (ns == namespaces.end()) return std::nullopt;
                parsed.uri = ns->second;
                step.erase(0, colon + 1);
            }
            if (step.empty() ||
                step.find_first_not_of(
                    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-.") !=
                    std::string::npos ||
                std::isdigit(static_cast<unsigned char>(step[0]))) {
                return std::nullopt;
            }
            parsed.name = step;
            path.steps_.push_back(std::move(parsed));
            if (slash == std::string::npos) break;
            start = slash + 1;
        }
        return path;
    }

    /// The string value of the first match below `node`, or nullptr when nothing matches.
    xmlChar* evaluate(xmlNodePtr node) const { return find(node, 0); }

  private:
    struct Step {
        std::string uri;  // empty: no namespace, as an unprefixed XPath name test means
        std::string name;
        bool attribute = false;
    };

    static bool matches(const xmlChar* name, xmlNsPtr ns, const Step& step) {
        if (!xmlStrEqual(name, reinterpret_cast<const xmlChar*>(step.name.c_str()))) return false;
        const char* uri = ns && ns->href ? reinterpret_cast<const char*>(ns->href) : "";
        return step.uri == uri;
    }

    xmlChar* find(xmlNodePtr node, std::size_t index) const {
        const Step& step = steps_[index];
        if (step.attribute) {
            for (xmlAttrPtr attribute = node->properties; attribute; attribute = attribute->next) {
                if (matches(attribute->name, attribute->ns, step))
                    return xmlNodeGetContent(reinterpret_cast<xmlNodePtr>(attribute));
            }
            return nullptr;
        }
        for (xmlNodePtr child = node->children; child; child = child->next) {
            if (child->type != XML_ELEMENT_NODE || !matches(child->name, child->ns, step)) continue;
            if (index + 1 == steps_.size()) return xmlNodeGetContent(child);
            if (xmlChar* found = find(child, index + 1)) return found;
        }
        return nullptr;
    }

    std::vector<Step> steps_;
};

int readFromStream(void* context, char* buffer, int length) {
    auto* input = static_cast<std::istream*>(context);
    input->getline(buffer, length, '\n');
    std::streamsize got = input->gcount();
    if (input->bad()) return -1;
    if (input->fail() && !input->eof()) input->clear();  // the line was longer than the buffer
    if (got > 0 && !input->eof() && buffer[got - 1] == '\0') buffer[got - 1] = '\n';
    return static_cast<int>(got);
}

}  // namespace

XmlAdapter::Options XmlAdapter::Options::fromJson(const nlohmann::json& options) {
    if (!options.is_object()) throw ConfigError("xml options must be an object");
    Options result;
    for (const auto& [key, value] : options.items()) {
        if (key == "format") continue;
        if (key == "records" && value.is_string()) {
            result.records = value.get<std::string>();
        } else if (key == "nested" && value.is_boolean()) {
            result.nested = value.get<bool>();
        } else if (key == "encoding" && value.is_string()) {
            result.encoding = value.get<std::string>();
        } else if (key == "namespaces" && value.is_object()) {
            for (const auto& [prefix, uri] : value.items()) {
                if (!uri.is_string())
                    throw ConfigError("xml namespace '" + prefix + "' must be a URI string");
                result.namespaces[prefix] = uri.get<std::string>();
            }
        } else if (key == "fields" && value.is_object()) {
            for (const auto& [name, xpath] : value.items()) {
                if (!xpath.is_string())
                    throw ConfigError("xml field '" + name + "' must be an XPath string");
                result.fields.emplace_back(name, xpath.get<std::string>());
            }
        } else if ((key == "maxDepth" || key == "maxRecordBytes" || key == "maxTotalBytes") &&
                   value.is_number_integer() && value.get<long long>() > 0) {
            if (key == "maxDepth") result.maxDepth = value.get<std::size_t>();
            if (key == "maxRecordBytes") result.maxRecordBytes = value.get<std::size_t>();
            if (key == "maxTotalBytes") result.maxTotalBytes = value.get<std::uint64_t>();
        } else {
            throw ConfigError("unknown or malformed xml option '" + key + "'");
        }
    }
    if (result.records.empty() || result.records[0] != '/') {
        throw ConfigError("xml option 'records' must be an element path such as /export/record");
    }
    if (result.nested && !result.fields.empty())
        throw ConfigError("xml options 'nested' and 'fields' exclude each other");
    return result;
}

XmlAdapter::XmlAdapter(std::istream& input, std::string inputName, Options options)
    : input_(input), inputName_(std::move(inputName)), options_(std::move(options)) {
    installSafeGlobals();
    std::size_t start = 1;
    while (start <= options_.records.size()) {
        std::size_t slash = options_.records.find('/', start);
        std::string step = options_.records.substr(
            start, slash == std::string::npos ? std::string::npos : slash - start);
        std::size_t colon = step.find(':');
        std::string uri;
        if (colon != std::string::npos) {
            auto ns = options_.namespaces.find(step.substr(0, colon));
            if (ns == options_.namespaces.end()) {
                throw ConfigError("xml records path uses undeclared prefix '" +
                                  step.substr(0, colon) + "'");
            }
            uri = ns->second;
            step = step.substr(colon + 1);
        }
        if (step.empty()) throw ConfigError("xml records path has an empty step");
        recordPath_.emplace_back(uri, step);
        if (slash == std::string::npos) break;
        start = slash + 1;
    }
    for (const auto& [name, xpath] : options_.fields) {
        std::unique_ptr<xmlXPathCompExpr, XPathDeleter> compiled(
            xmlXPathCompile(reinterpret_cast<const xmlChar*>(xpath.c_str())));
        if (!compiled)
            throw ConfigError("xml field '" + name + "': '" + xpath +
                              "' is not an XPath expression");
    }
}

std::unique_ptr<Adapter> XmlAdapter::create(std::istream& input, const std::string& inputName,
                                            const nlohmann::json& options) {
    return std::make_unique<XmlAdapter>(input, inputName, Options::fromJson(options));
}

int XmlAdapter::externalLoadsRefused() {
    return refusedLoads.load();
}

void XmlAdapter::read(const RecordHandler& handler) {
    // No XML_PARSE_NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/DTDVALID (no DTD is read),
    // NONET (no network) and no HUGE (libxml2's own depth and size limits stay on).
    const int parserOptions = XML_PARSE_NONET | XML_PARSE_NOCDATA | XML_PARSE_COMPACT;
    std::unique_ptr<xmlTextReader, ReaderDeleter> reader(xmlReaderForIO(
        &readFromStream, nullptr, &input_, inputName_.c_str(),
        options_.encoding.empty() ? nullptr : options_.encoding.c_str(), parserOptions));
    if (!reader) throw InputError(inputName_ + ": cannot start the XML reader");
    ErrorCapture errors;
    xmlTextReaderSetStructuredErrorHandler(
        reader.get(), reinterpret_cast<xmlStructuredErrorFunc>(&ErrorCapture::record), &errors);

    std::vector<std::unique_ptr<xmlXPathCompExpr, XPathDeleter>> fields;
    std::vector<std::optional<ChildPath>> childPaths;
    for (const auto& field : options_.fields) {
        childPaths.push_back(ChildPath::parse(field.second, options_.namespaces));
        fields.emplace_back(
            xmlXPathCompile(reinterpret_cast<const xmlChar*>(field.second.c_str())));
    }
    std::unique_ptr<xmlXPathContext, XPathContextDeleter> xpath;
    std::vector<std::pair<std::string, std::string>> ancestors;  // (URI, local name) per depth
    std::uint64_t records = 0;
    SourceRecord record;  // reused, so that its buffers are too
    std::size_t count = 0;
    auto setField = [&](const std::string& name, const xmlChar* value) {
        if (count == record.fields.size()) record.fields.emplace_back();
        auto& field = record.fields[count++];
        if (field.first != name) field.first = name;
        field.second.assign(value ? reinterpret_cast<const char*>(value) : "");
    };

    // Every leaf and attribute below `node` by its path (Options::nested).
    std::function<void(xmlNodePtr, const std::string&)> addNested = [&](xmlNodePtr node,
                                                                        const std::string& path) {
        for (xmlAttrPtr attribute = node->properties; attribute; attribute = attribute->next) {
            xmlChar* value = xmlNodeGetContent(reinterpret_cast<xmlNodePtr>(attribute));
            setField(path + "/@" + text(attribute->name), value);
            xmlFree(value);
        }
        std::map<std::string, std::size_t> seen, total;
        auto hasElements = [](xmlNodePtr element) {
            for (xmlNodePtr child = element->children; child; child = child->next) {
                if (child->type == XML_ELEMENT_NODE) return true;
            }
            return false;
        };
        for (xmlNodePtr child = node->children; child; child = child->next) {
            if (child->type == XML_ELEMENT_NODE) ++total[text(child->name)];
        }
        for (xmlNodePtr child = node->children; child; child = child->next) {
            if (child->type != XML_ELEMENT_NODE) continue;
            std::string name = text(child->name);
            bool elements = hasElements(child);
            bool container = elements || child->properties != nullptr;
            std::string childPath = path + "/" + name;
            std::size_t index = seen[name]++;
            if (container || total[name] > 1) childPath += "/" + std::to_string(index);
            if (!elements) {
                // A leaf's text is the field at its own path (its attributes sit beneath).
                xmlChar* value = xmlNodeGetContent(child);
                setField(childPath, value);
                xmlFree(value);
            }
            if (container) addNested(child, childPath);
        }
    };

    auto fail = [&](const std::string& why) {
        int line = errors.line ? errors.line : xmlTextReaderGetParserLineNumber(reader.get());
        throw InputError(inputName_ + " line " + std::to_string(line) + ", after record " +
                         std::to_string(records) + ": " + why);
    };

    int status = xmlTextReaderRead(reader.get());
    while (status == 1) {
        int type = xmlTextReaderNodeType(reader.get());
        if (type == XML_READER_TYPE_DOCUMENT_TYPE || type == XML_READER_TYPE_ENTITY_REFERENCE ||
            type == XML_READER_TYPE_ENTITY) {
            fail(
                "the export declares a DOCTYPE or uses entities; they are refused (no DTDs, no "
                "external or "
                "expanding entities)");
        }
        auto depth = static_cast<std::size_t>(xmlTextReaderDepth(reader.get()));
        if (depth >= options_.maxDepth)
            fail("elements nest deeper than " + std::to_string(options_.maxDepth) + " levels");
        if (xmlTextReaderByteConsumed(reader.get()) > static_cast<long>(options_.maxTotalBytes)) {
            fail("the input is larger than " + std::to_string(options_.maxTotalBytes) + " bytes");
        }
        if (type != XML_READER_TYPE_ELEMENT) {
            status = xmlTextReaderRead(reader.get());
            continue;
        }
        ancestors.resize(depth);
        ancestors.emplace_back(text(xmlTextReaderConstNamespaceUri(reader.get())),
                               text(xmlTextReaderConstLocalName(reader.get())));
        if (ancestors != recordPath_) {
            status = xmlTextReaderRead(reader.get());
            continue;
        }

        count = 0;
        record.error.reset();
        long start = xmlTextReaderByteConsumed(reader.get());
        xmlNodePtr node = xmlTextReaderExpand(reader.get());
        bool faultAfterRecord = false;
        if (!node) {
            // Expanding looks one node past the record; when the fault lies there, the record
            // itself is whole (its successor exists) and is handed over before the input fails.
            node = xmlTextReaderCurrentNode(reader.get());
            if (!node || !node->next)
                fail(errors.message.empty() ? "a record is not well-formed" : errors.message);
            faultAfterRecord = true;
        }
        record.position = {inputName_, static_cast<std::uint64_t>(xmlGetLineNo(node)), ++records};
        if (xmlTextReaderByteConsumed(reader.get()) - start >
            static_cast<long>(options_.maxRecordBytes)) {
            record.error = Fault{
                "read.record-too-large",
                {},
                "the record is longer than " + std::to_string(options_.maxRecordBytes) + " bytes"};
        } else if (options_.nested) {
            addNested(node, "");
        } else if (fields.empty()) {
            for (xmlAttrPtr attribute = node->properties; attribute; attribute = attribute->next) {
                xmlChar* value = xmlNodeGetContent(reinterpret_cast<xmlNodePtr>(attribute));
                setField("@" + text(attribute->name), value);
                xmlFree(value);
            }
            for (xmlNodePtr child = node->children; child; child = child->next) {
                if (child->type != XML_ELEMENT_NODE) continue;
                xmlChar* value = xmlNodeGetContent(child);
                setField(text(child->name), value);
                xmlFree(value);
            }
        } else {
            if (!xpath) {
                xpath.reset(xmlXPathNewContext(node->doc));
                for (const auto& [prefix, uri] : options_.namespaces) {
                    xmlXPathRegisterNs(xpath.get(),
                                       reinterpret_cast<const xmlChar*>(prefix.c_str()),
                                       reinterpret_cast<const xmlChar*>(uri.c_str()));
                }
            }
            xpath->node = node;
            for (std::size_t i = 0; i < fields.size(); ++i) {
                if (childPaths[i]) {
                    xmlChar* value = childPaths[i]->evaluate(node);
                    setField(options_.fields[i].first, value);
                    xmlFree(value);
                    continue;
                }
                xmlXPathObjectPtr result = xmlXPathCompiledEval(fields[i].get(), xpath.get());
                if (!result) {
                    record.error =
                        Fault{"read.xpath",
                              {},
                              "field '" + options_.fields[i].first + "' cannot be evaluated"};
                    break;
                }
                xmlChar* value = xmlXPathCastToString(result);
                setField(options_.fields[i].first, value);
                xmlFree(value);
                xmlXPathFreeObject(result);
            }
        }
        record.fields.resize(record.error && record.error->rule == "read.record-too-large" ? 0
                                                                                           : count);
        if (!handler(record)) return;
        if (faultAfterRecord)
            fail(errors.message.empty() ? "the XML is not well-formed" : errors.message);
        // Skip the record's subtree; the reader frees it as it moves on.
        status = xmlTextReaderNext(reader.get());
    }
    if (status < 0) fail(errors.message.empty() ? "the XML is not well-formed" : errors.message);
}

}  // namespace gw
