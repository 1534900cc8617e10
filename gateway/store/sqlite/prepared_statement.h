#pragma once

// PreparedStatement: one SQLite statement prepared once and run many times on SQLite's own API.

#include <Poco/Data/SQLite/Utility.h>
#include <Poco/Types.h>
#include <sqlite3.h>

#include <string>

namespace gw {

/// One statement prepared once for the life of a sink. Poco::Data prepares SQLite statements
/// again on every execution, which costs more than the rows themselves, so the sink's hot path
/// runs on SQLite's own API.
class PreparedStatement {
  public:
    PreparedStatement(sqlite3* db, const char* text) : db_(db) {
        check(sqlite3_prepare_v3(db, text, -1, SQLITE_PREPARE_PERSISTENT, &statement_, nullptr));
    }
    ~PreparedStatement() { sqlite3_finalize(statement_); }
    PreparedStatement(const PreparedStatement&) = delete;
    PreparedStatement& operator=(const PreparedStatement&) = delete;

    /// Binds the text without copying it: `value` must outlive the statement's next step, so
    /// a temporary cannot be bound this way.
    PreparedStatement& bind(int index, const std::string& value) {
        check(sqlite3_bind_text(statement_, index, value.data(), static_cast<int>(value.size()),
                                SQLITE_STATIC));
        return *this;
    }
    PreparedStatement& bind(int index, std::string&& value) = delete;
    /// Binds a copy of the text.
    PreparedStatement& bind(int index, const char* value) {
        check(sqlite3_bind_text(statement_, index, value, -1, SQLITE_TRANSIENT));
        return *this;
    }
    PreparedStatement& bind(int index, Poco::Int64 value) {
        check(sqlite3_bind_int64(statement_, index, value));
        return *this;
    }
    /// Runs the statement; true when it produced a row (read it with column()).
    bool step() {
        int rc = sqlite3_step(statement_);
        if (rc == SQLITE_ROW) return true;
        if (rc != SQLITE_DONE) check(rc);
        return false;
    }
    Poco::Int64 integer(int column) const { return sqlite3_column_int64(statement_, column); }
    std::string text(int column) const {
        auto bytes = reinterpret_cast<const char*>(sqlite3_column_text(statement_, column));
        return bytes
                   ? std::string(bytes,
                                 static_cast<std::size_t>(sqlite3_column_bytes(statement_, column)))
                   : std::string();
    }
    /// Makes the statement ready to run again with new bindings.
    void reset() {
        sqlite3_reset(statement_);
        sqlite3_clear_bindings(statement_);
    }

  private:
    void check(int rc) const {
        if (rc != SQLITE_OK) Poco::Data::SQLite::Utility::throwException(db_, rc);
    }

    sqlite3* db_;
    sqlite3_stmt* statement_ = nullptr;
};

}  // namespace gw
