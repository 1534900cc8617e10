// Measures one adapter alone on one large export: records produced (not printed), MB/s,
// records/s and the process's peak resident memory.
//
//   adapter_bench generate FORMAT FILE SIZE_MB   writes a synthetic export of about SIZE_MB
//   adapter_bench read FORMAT FILE               reads it and prints one JSON line of figures
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <random>
#include <string>

#include "adapters/adapter.h"
#include "gateway/core/errors.h"

namespace {

const char* kServices[] = {"Kuntouttava työtoiminta", "Sosiaalinen kuntoutus",
                           "Kehitysvammaisten työtoiminta"};

struct Row {
    std::string id, code, service, producer, start, end;
};

Row makeRow(std::mt19937& random, long n) {
    char code[16];
    std::snprintf(code, sizeof code, "%02d%02d%02d-%03d%c", int(random() % 28 + 1),
                  int(random() % 12 + 1), int(random() % 100), int(random() % 100 + 900),
                  "0123456789ABCDEFHJKLMNPRSTUVWXY"[random() % 31]);
    return {"J" + std::to_string(n),
            code,
            kServices[random() % 3],
            "Nokian toimintakeskus, ryhmä " + std::to_string(random() % 9),
            std::to_string(random() % 28 + 1) + ".3.2019",
            random() % 3 ? "" : "30.6.2022"};
}

int generate(const std::string& format, const std::string& path, long megabytes) {
    std::ofstream out(path, std::ios::binary);
    std::mt19937 random(20221231);
    const long target = megabytes * 1000 * 1000;
    if (format == "csv") out << "JAKSO_ID;HETU;PALVELU;TUOTTAJA;ALKUPVM;LOPPUPVM;LISATIETO\r\n";
    if (format == "xml")
        out << "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<vienti xmlns=\"urn:effica:vienti\">\n";
    if (format == "json") out << "{\"meta\": {\"system\": \"effica\"}, \"data\": {\"clients\": [\n";
    for (long n = 1; out.tellp() < target; ++n) {
        Row r = makeRow(random, n);
        if (format == "csv") {
            // As exports quote (minimally): one row in ten needs quotes, for a ';', '"' or line
            // break.
            bool quoted = n % 10 == 0;
            out << r.id << ';' << r.code << ';' << r.service << ';'
                << (quoted ? "\"Työote; Kuntoutus Oy\"" : r.producer) << ';' << r.start << ';'
                << r.end << ';'
                << (quoted ? "\"Tavoite: arjen \"\"rytmi\"\"\r\nja työkyky\""
                           : "Tavoite: arjen rytmi ja työkyky")
                << "\r\n";
        } else if (format == "xml") {
            out << "<asiakas id=\"" << r.id << "\"><hetu>" << r.code << "</hetu><jakso alku=\""
                << r.start << "\" loppu=\"" << r.end << "\"><palvelu>" << r.service
                << "</palvelu><tuottaja>" << r.producer
                << "</tuottaja></jakso><lisatieto>Tavoite: arjen rytmi &amp; "
                   "työkyky</lisatieto></asiakas>\n";
        } else {
            out << (n > 1 ? ",\n" : "") << "{\"id\": \"" << r.id << "\", \"hetu\": \"" << r.code
                << "\", \"jakso\": {\"palvelu\": \"" << r.service << "\", \"tuottaja\": \""
                << r.producer << "\", \"alku\": \"" << r.start
                << "\", \"loppu\": " << (r.end.empty() ? "null" : "\"" + r.end + "\"")
                << ", \"tavoitteet\": [\"arjen rytmi\", \"työkyky\"]}, \"paivia\": " << n % 2000
                << "}";
        }
    }
    if (format == "xml") out << "</vienti>\n";
    if (format == "json") out << "\n]}}\n";
    return out ? 0 : 1;
}

nlohmann::json optionsFor(const std::string& format) {
    if (format == "csv") return {{"delimiter", ";"}};
    if (format == "xml") {
        return {{"records", "/e:vienti/e:asiakas"},
                {"namespaces", {{"e", "urn:effica:vienti"}}},
                {"fields",
                 {{"id", "@id"},
                  {"hetu", "e:hetu"},
                  {"alku", "e:jakso/@alku"},
                  {"loppu", "e:jakso/@loppu"},
                  {"palvelu", "e:jakso/e:palvelu"},
                  {"tuottaja", "e:jakso/e:tuottaja"},
                  {"lisatieto", "e:lisatieto"}}}};
    }
    return {{"records", "/data/clients"}};
}

int read(const std::string& format, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        std::cerr << "cannot open " << path << "\n";
        return 2;
    }
    auto adapter = gw::builtinAdapters().create(format, in, path, optionsFor(format));
    std::uint64_t records = 0, errors = 0, fieldBytes = 0;
    auto started = std::chrono::steady_clock::now();
    adapter->read([&](gw::SourceRecord& record) {
        ++records;
        if (record.error) ++errors;
        for (const auto& field : record.fields) fieldBytes += field.second.size();
        return true;
    });
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    in.clear();
    in.seekg(0, std::ios::end);
    double megabytes = static_cast<double>(in.tellg()) / 1e6;
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::cout << nlohmann::json{{"format", format},
                                {"megabytes", megabytes},
                                {"records", records},
                                {"errors", errors},
                                {"fieldBytes", fieldBytes},
                                {"seconds", seconds},
                                {"megabytesPerSecond", megabytes / seconds},
                                {"recordsPerSecond", static_cast<double>(records) / seconds},
                                {"peakRssMegabytes", static_cast<double>(usage.ru_maxrss) / 1024.0}}
                     .dump()
              << std::endl;
    return errors == 0 ? 0 : 1;
}

}  // namespace

int main(int argc, char** argv) {
    std::string verb = argc > 1 ? argv[1] : "";
    try {
        if (verb == "generate" && argc == 5) return generate(argv[2], argv[3], std::stol(argv[4]));
        if (verb == "read" && argc == 4) return read(argv[2], argv[3]);
    } catch (const std::exception& e) {
        std::cerr << "adapter_bench: " << e.what() << "\n";
        return 2;
    }
    std::cerr
        << "usage: adapter_bench generate csv|xml|json FILE SIZE_MB | read csv|xml|json FILE\n";
    return 2;
}
