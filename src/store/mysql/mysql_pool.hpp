// A bounded pool of MySQL Connector/C++ connections: checkout waits a bounded time, broken
// connections are replaced, and every driver failure becomes a StoreError without credentials.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "metrics/metrics.hpp"
#include "store/store.hpp"

namespace sql {
class Connection;
class SQLException;
}  // namespace sql

namespace canopy::store {

// How a batch of audit records learns the ids the server gave them: `detect` takes a multi-row
// INSERT's ids as consecutive unless the server may interleave them (innodb_autoinc_lock_mode =
// 2); `per_row` always inserts one record at a time (tests use it to cover that path).
enum class AuditIds { detect, per_row };

struct MysqlConfig {
  std::string host = "127.0.0.1";
  std::uint16_t port = 3306;
  std::string user;
  std::string password;
  std::string database;
  std::size_t pool_size = 8;
  std::chrono::milliseconds checkout_timeout{5000};
  std::chrono::seconds connect_timeout{5};
  // Every network read or write of the driver gives up after this, so a hung server cannot
  // hold a blocking-pool thread forever.
  std::chrono::seconds io_timeout{30};
  // How long a statement waits for a row lock held by another transaction.
  std::chrono::seconds lock_wait_timeout{10};
  AuditIds audit_ids = AuditIds::detect;
};

namespace mysql {

// MySQL / MariaDB error numbers the store reacts to.
inline constexpr int kServerGone = 2006;               // CR_SERVER_GONE_ERROR
inline constexpr int kServerLost = 2013;               // CR_SERVER_LOST
inline constexpr int kConnectionKilled = 1927;         // ER_CONNECTION_KILLED (MariaDB)
inline constexpr int kServerShutdown = 1053;           // ER_SERVER_SHUTDOWN
inline constexpr int kDuplicateKey = 1062;             // ER_DUP_ENTRY
inline constexpr int kDuplicateKeyName = 1061;         // ER_DUP_KEYNAME
inline constexpr int kCannotDropKey = 1091;            // ER_CANT_DROP_FIELD_OR_KEY
inline constexpr int kDuplicateForeignKeyName = 1826;  // ER_FK_DUP_NAME
inline constexpr int kDuplicateColumnName = 1060;      // ER_DUP_FIELDNAME
inline constexpr int kDeadlock = 1213;                 // ER_LOCK_DEADLOCK

// True when the connection itself is unusable (as opposed to a statement failing on it).
bool is_connection_error(const sql::SQLException& e);

// "mysql: <what>: <driver message> (error N, SQLSTATE S)" with `secret` masked, should the
// driver ever echo it.
std::string describe(const sql::SQLException& e, std::string_view what, std::string_view secret);

// Opens one connection configured the way the store relies on (utf8mb4, strict SQL mode,
// READ COMMITTED, no silent auto-reconnect). An empty `config.database` selects no schema,
// for administrative connections. Throws StoreError.
std::unique_ptr<sql::Connection> open_connection(const MysqlConfig& config);

class Pool {
 public:
  explicit Pool(MysqlConfig config);
  ~Pool();
  Pool(const Pool&) = delete;
  Pool& operator=(const Pool&) = delete;

  // One checked-out connection; goes back to the pool when destroyed unless discarded.
  class Lease {
   public:
    Lease(Lease&& other) noexcept;
    Lease& operator=(Lease&&) = delete;
    ~Lease();
    sql::Connection& operator*() const { return *connection_; }
    sql::Connection* operator->() const { return connection_.get(); }
    // Closes the connection instead of returning it, and frees its slot for a new one.
    void discard() noexcept;

   private:
    friend class Pool;
    Lease(Pool& pool, std::unique_ptr<sql::Connection> connection, std::uint64_t generation);
    Pool* pool_;
    std::unique_ptr<sql::Connection> connection_;
    std::uint64_t generation_;
  };

  // Waits up to checkout_timeout for a free slot, then throws StoreError("... pool
  // exhausted"). With `fresh`, never hands out an idle connection: a retry after a connection
  // failure must not land on another connection that died the same way.
  Lease acquire(bool fresh = false);

  // A connection failed at the connection level: idle connections opened before now are
  // checked (one ping each) before they are handed out again, so a server restart costs one
  // failed statement, not one per pooled connection.
  void note_connection_failure();

  const MysqlConfig& config() const { return config_; }
  std::size_t open_connections() const;
  PoolStats stats() const;

 private:
  struct Idle {
    std::unique_ptr<sql::Connection> connection;
    std::uint64_t generation;
  };
  void give_back(std::unique_ptr<sql::Connection> connection, std::uint64_t generation);
  void release_slot();

  const MysqlConfig config_;
  mutable std::mutex mutex_;
  std::condition_variable slot_freed_;
  std::vector<Idle> idle_;  // most recently returned last: reuse keeps few connections warm
  std::size_t open_ = 0;    // idle + leased + being opened; never above pool_size
  std::uint64_t generation_ = 0;
  std::size_t waiting_ = 0;      // threads in acquire() waiting for a slot
  std::uint64_t exhausted_ = 0;  // acquire() calls that gave up
  metrics::Histogram checkout_;  // seconds per acquire(), waiting included
};

}  // namespace mysql
}  // namespace canopy::store
