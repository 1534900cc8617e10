// Measures a store backend alone: regional records already mapped and validated (the NDJSON that
// `gatewayctl map` writes) go through the store's sink as one transfer, grouped by the source
// record they were made from, exactly as a transfer hands them over, into a fresh store. Prints
// one JSON line: source records, regional records handed over and stored (a client record made
// again from every row of its client is stored once), seconds, rates, peak resident memory.
//
//   store_bench BACKEND CONNECTION RECORDS.ndjson
#include <sys/resource.h>

#include <chrono>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "gateway/core/errors.h"
#include "gateway/store/store_registry.h"
#include "regional_ndjson.h"

int main(int argc, char** argv) {
    if (argc != 4) {
        std::cerr << "usage: store_bench BACKEND CONNECTION RECORDS.ndjson\n";
        return 2;
    }
    try {
        std::ifstream input(argv[3], std::ios::binary);
        if (!input) throw gw::InputError(std::string("cannot open ") + argv[3]);
        auto store = gw::builtinStores().open(argv[1], argv[2]);
        auto started = std::chrono::steady_clock::now();
        std::int64_t transfer = store->beginTransfer("bench", "", argv[3], "store_bench");
        auto sink = store->openSink(transfer);

        std::vector<gw::RegionalRecord> group;
        std::uint64_t handedOver = 0;
        auto writeGroup = [&] {
            if (group.empty()) return;
            writeRecords(*sink, std::move(group));
            group.clear();
        };
        for (std::string line; std::getline(input, line);) {
            gw::RegionalRecord record = gw::bench::regionalRecordOf(std::move(line));
            if (!group.empty() && record.provenance.record != group.front().provenance.record)
                writeGroup();
            group.push_back(std::move(record));
            ++handedOver;
        }
        writeGroup();
        gw::TransferResult result;
        result.counts = sink->commit();
        store->finishTransfer(transfer, result);
        double seconds =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        gw::Reconciliation check = store->reconcileTransfer(transfer);
        if (!check.addsUp) throw gw::InputError("the transfer does not reconcile");

        rusage usage{};
        getrusage(RUSAGE_SELF, &usage);
        std::cout << nlohmann::json{{"run", std::string(argv[1]) + " store alone (store_bench)"},
                                    {"sourceRecords", result.counts.read},
                                    {"regionalRecordsHandedOver", handedOver},
                                    {"regionalRecordsStored", check.currentRecords},
                                    {"seconds", seconds},
                                    {"sourceRecordsPerSecond", result.counts.read / seconds},
                                    {"regionalRecordsPerSecond", check.currentRecords / seconds},
                                    {"peakRssMB", usage.ru_maxrss / 1024.0}}
                         .dump()
                  << std::endl;
    } catch (const std::exception& e) {
        std::cerr << "store_bench: " << e.what() << std::endl;
        return 1;
    }
    return 0;
}
