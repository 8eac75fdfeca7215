#pragma once
// A small RAII face of SQLite for the run index: one connection (WAL, a busy timeout), prepared
// statements with typed binds and columns, and transactions. Every failure is an IoError naming the
// database file and what SQLite said.
#include <cstdint>
#include <optional>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace espalier::project {

class SqliteDb;

// One prepared statement. bind* take 1-based indices; column* 0-based.
class SqliteStatement {
public:
    SqliteStatement(SqliteDb& db, const std::string& sql);
    ~SqliteStatement();
    SqliteStatement(const SqliteStatement&) = delete;
    SqliteStatement& operator=(const SqliteStatement&) = delete;

    SqliteStatement& bind(int index, const std::string& value);
    SqliteStatement& bind(int index, long long value);
    SqliteStatement& bind(int index, double value);
    SqliteStatement& bind(int index, const std::optional<double>& value);  // nullopt: NULL
    // Steps once: true while a row is there to read, false when done.
    bool step();
    // Runs to completion and resets for the next binds.
    void run();
    void reset();

    std::string text(int column) const;
    long long integer(int column) const;
    double real(int column) const;
    std::optional<double> optionalReal(int column) const;

private:
    SqliteDb& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

class SqliteDb {
public:
    // Opens (creating) the database at path in WAL mode with a busy timeout of busyMs.
    explicit SqliteDb(const std::string& path, int busyMs = 15000);
    ~SqliteDb();
    SqliteDb(const SqliteDb&) = delete;
    SqliteDb& operator=(const SqliteDb&) = delete;

    void exec(const std::string& sql);
    const std::string& path() const { return path_; }
    sqlite3* handle() { return db_; }
    [[noreturn]] void fail(const std::string& what) const;

private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

// BEGIN IMMEDIATE (a writer's lock for the whole transaction, so two processes never interleave a
// read-modify-write) ... COMMIT; rolled back if not committed.
class SqliteTransaction {
public:
    explicit SqliteTransaction(SqliteDb& db);
    ~SqliteTransaction();
    void commit();

private:
    SqliteDb& db_;
    bool done_ = false;
};

} // namespace espalier::project
