#include "tests/support/test_database.h"

#include <Poco/File.h>
#include <Poco/TemporaryFile.h>
#include <Poco/UUIDGenerator.h>
#include <libpq-fe.h>

#include <cstdlib>
#include <fstream>
#include <stdexcept>

namespace gw::test {
namespace {

// The cluster's connection string, from the file the suite's set-up step wrote.
std::string clusterConnection() {
    const char* file = std::getenv("GATEWAY_TEST_POSTGRES");
    if (!file) {
        throw std::runtime_error(
            "GATEWAY_TEST_POSTGRES is not set: run the PostgreSQL tests through ctest, which "
            "starts the test cluster (scripts/postgres-test-cluster.sh)");
    }
    std::ifstream in(file);
    std::string connection;
    if (!std::getline(in, connection) || connection.empty())
        throw std::runtime_error(std::string("no connection string in ") + file);
    return connection;
}

void runOnCluster(const std::string& statement) {
    PGconn* connection = PQconnectdb(clusterConnection().c_str());
    std::string error;
    if (PQstatus(connection) != CONNECTION_OK) {
        error = PQerrorMessage(connection);
    } else {
        PGresult* result = PQexec(connection, statement.c_str());
        if (PQresultStatus(result) != PGRES_COMMAND_OK) error = PQerrorMessage(connection);
        PQclear(result);
    }
    PQfinish(connection);
    if (!error.empty()) throw std::runtime_error("test cluster: " + error);
}

}  // namespace

TestDatabase::TestDatabase(std::string backend) : backend_(std::move(backend)) {
    if (backend_ == "sqlite") {
        folder_ = Poco::TemporaryFile::tempName();
        Poco::File(folder_).createDirectories();
        connection_ = folder_ + "/gateway.db";
    } else {
        database_ = "test_" + Poco::UUIDGenerator::defaultGenerator().createRandom().toString();
        for (auto& c : database_) c = c == '-' ? '_' : c;
        runOnCluster("CREATE DATABASE " + database_);
        std::string cluster = clusterConnection();
        connection_ = cluster.substr(0, cluster.find("dbname=")) + "dbname=" + database_;
    }
}

TestDatabase::~TestDatabase() {
    try {
        if (!folder_.empty()) Poco::File(folder_).remove(true);
        if (!database_.empty()) runOnCluster("DROP DATABASE " + database_ + " WITH (FORCE)");
    } catch (const std::exception&) {
        // A leftover test database dies with the throwaway cluster.
    }
}

std::vector<std::string> storeBackends() {
    return {"sqlite", "postgresql"};
}

}  // namespace gw::test
