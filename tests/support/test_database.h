#pragma once

#include <string>
#include <vector>

namespace gw::test {

/// A store database of one test's own: a SQLite file in a temporary folder, or a fresh database
/// on the throwaway PostgreSQL cluster the test suite starts (tests/CMakeLists.txt); removed when
/// the test ends.
class TestDatabase {
  public:
    explicit TestDatabase(std::string backend);
    ~TestDatabase();
    TestDatabase(const TestDatabase&) = delete;
    TestDatabase& operator=(const TestDatabase&) = delete;

    const std::string& backend() const { return backend_; }
    /// What `store.connection` takes: the SQLite file or the libpq connection string.
    const std::string& connection() const { return connection_; }

  private:
    std::string backend_;
    std::string connection_;
    std::string folder_;    // SQLite
    std::string database_;  // PostgreSQL
};

/// Every store backend, for tests that run against each.
std::vector<std::string> storeBackends();

}  // namespace gw::test
