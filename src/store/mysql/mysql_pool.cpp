// The MySQL connection pool and the one place that opens and configures a connection.
#include "store/mysql/mysql_pool.hpp"

#include <mysql_connection.h>
#include <mysql_driver.h>

#include <cppconn/exception.h>
#include <cppconn/statement.h>

#include <cassert>
#include <utility>

#include "store/store.hpp"

namespace canopy::store::mysql {
namespace {

// Connector/C++ 1.1 builds its driver registry without a lock, so the first call must not
// race; a function-local static makes it happen exactly once. (The MariaDB client library it
// sits on needs no per-thread init.)
sql::mysql::MySQL_Driver& driver() {
  static sql::mysql::MySQL_Driver* const instance = sql::mysql::get_mysql_driver_instance();
  return *instance;
}

constexpr int kCommandsOutOfSync = 2014;   // CR_COMMANDS_OUT_OF_SYNC: protocol state is lost
constexpr int kServerLostExtended = 2055;  // CR_SERVER_LOST_EXTENDED

void run(sql::Connection& connection, const std::string& statement) {
  std::unique_ptr<sql::Statement> s(connection.createStatement());
  s->execute(statement);
}

}  // namespace

bool is_connection_error(const sql::SQLException& e) {
  switch (e.getErrorCode()) {
    case kServerGone:
    case kServerLost:
    case kServerLostExtended:
    case kCommandsOutOfSync:
    case kConnectionKilled:
    case kServerShutdown:
      return true;
    default:
      // SQLSTATE class 08 is "connection exception" whatever the vendor code.
      return e.getSQLState().rfind("08", 0) == 0;
  }
}

std::string describe(const sql::SQLException& e, std::string_view what, std::string_view secret) {
  std::string message = e.what();
  // The driver has no reason to echo the password, but a log line is the wrong place to find
  // out that it did.
  if (!secret.empty()) {
    for (auto at = message.find(secret); at != std::string::npos; at = message.find(secret, at))
      message.replace(at, secret.size(), "***");
  }
  return "mysql: " + std::string(what) + ": " + message + " (error " +
         std::to_string(e.getErrorCode()) + ", SQLSTATE " + e.getSQLState() + ")";
}

std::unique_ptr<sql::Connection> open_connection(const MysqlConfig& config) {
  sql::ConnectOptionsMap options;
  options["hostName"] = config.host;
  options["port"] = static_cast<int>(config.port);
  options["userName"] = config.user;
  options["password"] = config.password;
  if (!config.database.empty()) options["schema"] = config.database;
  options["OPT_CONNECT_TIMEOUT"] = static_cast<int>(config.connect_timeout.count());
  options["OPT_READ_TIMEOUT"] = static_cast<int>(config.io_timeout.count());
  options["OPT_WRITE_TIMEOUT"] = static_cast<int>(config.io_timeout.count());
  // A silent reconnect would drop an open transaction and session settings without telling
  // us; the pool replaces broken connections itself, where it can decide what to retry.
  options["OPT_RECONNECT"] = false;
  options["OPT_CHARSET_NAME"] = std::string("utf8mb4");
  const std::string where = config.host + ":" + std::to_string(config.port) +
                            (config.database.empty() ? "" : "/" + config.database);
  try {
    std::unique_ptr<sql::Connection> connection(driver().connect(options));
    // READ COMMITTED: see MysqlStore::apply for why it is enough and why we prefer it.
    run(*connection, "SET SESSION TRANSACTION ISOLATION LEVEL READ COMMITTED");
    // Strict: a value that does not fit is an error, never silently truncated; an InnoDB
    // table is never quietly created with another engine.
    run(*connection,
        "SET SESSION sql_mode = 'STRICT_ALL_TABLES,NO_ZERO_IN_DATE,NO_ZERO_DATE,"
        "ERROR_FOR_DIVISION_BY_ZERO,NO_ENGINE_SUBSTITUTION'");
    run(*connection, "SET SESSION innodb_lock_wait_timeout = " +
                         std::to_string(config.lock_wait_timeout.count()));
    return connection;
  } catch (const sql::SQLException& e) {
    throw StoreError(
        describe(e, "cannot connect to " + where + " as " + config.user, config.password));
  }
}

Pool::Pool(MysqlConfig config)
    : config_(std::move(config)),
      checkout_({metrics::latency_bounds().begin(), metrics::latency_bounds().end()}) {
  if (config_.pool_size == 0) throw StoreError("mysql: pool_size must be at least 1");
  // give_back runs in Lease's destructor, where an allocation failure could not be reported.
  idle_.reserve(config_.pool_size);
  (void)driver();
}

Pool::~Pool() {
  std::lock_guard lock(mutex_);
  // Every lease must be back: a lease outliving its pool would return into freed memory.
  assert(open_ == idle_.size());
  idle_.clear();
}

std::size_t Pool::open_connections() const {
  std::lock_guard lock(mutex_);
  return open_;
}

PoolStats Pool::stats() const {
  PoolStats s;
  s.size = config_.pool_size;
  {
    std::lock_guard lock(mutex_);
    s.open = open_;
    s.in_use = open_ - idle_.size();
    s.waiting = waiting_;
    s.exhausted = exhausted_;
  }
  s.checkout = checkout_.snapshot();
  return s;
}

void Pool::note_connection_failure() {
  std::lock_guard lock(mutex_);
  ++generation_;
}

Pool::Lease Pool::acquire(bool fresh) {
  // The deadline is infrastructure timing (how long a thread may block), not domain time, so
  // it uses the steady clock rather than the injected Clock.
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + config_.checkout_timeout;
  // Every checkout's time, however it ends (a connection, or the pool exhausted).
  struct Timed {
    metrics::Histogram& histogram;
    std::chrono::steady_clock::time_point started;
    ~Timed() {
      histogram.observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count());
    }
  } timed{checkout_, started};
  std::unique_lock lock(mutex_);
  for (;;) {
    if (!idle_.empty() && !fresh) {
      Idle idle = std::move(idle_.back());
      idle_.pop_back();
      if (idle.generation == generation_) {
        return Lease(*this, std::move(idle.connection), idle.generation);
      }
      // Opened before a connection failure: ping it before trusting it.
      const std::uint64_t now_generation = generation_;
      lock.unlock();
      bool alive = false;
      try {
        alive = idle.connection->isValid();
      } catch (const sql::SQLException&) {
      }
      if (alive) return Lease(*this, std::move(idle.connection), now_generation);
      idle.connection.reset();
      lock.lock();
      --open_;
      continue;  // its slot is free now: the next round opens a new connection
    }
    if (fresh && !idle_.empty() && open_ >= config_.pool_size) {
      // Make room for a fresh connection by closing the least recently used idle one.
      std::unique_ptr<sql::Connection> oldest = std::move(idle_.front().connection);
      idle_.erase(idle_.begin());
      --open_;
      lock.unlock();
      oldest.reset();
      lock.lock();
      continue;
    }
    if (open_ < config_.pool_size) {
      ++open_;  // reserve the slot before the slow connect, outside the lock
      const std::uint64_t generation = generation_;
      lock.unlock();
      try {
        return Lease(*this, open_connection(config_), generation);
      } catch (...) {
        release_slot();
        throw;
      }
    }
    ++waiting_;
    const bool freed = slot_freed_.wait_until(
        lock, deadline, [&] { return !idle_.empty() || open_ < config_.pool_size; });
    --waiting_;
    if (!freed) {
      ++exhausted_;
      throw StoreError("mysql: connection pool exhausted: all " +
                       std::to_string(config_.pool_size) + " connections stayed in use for " +
                       std::to_string(config_.checkout_timeout.count()) + " ms");
    }
  }
}

void Pool::give_back(std::unique_ptr<sql::Connection> connection, std::uint64_t generation) {
  {
    std::lock_guard lock(mutex_);
    idle_.push_back({std::move(connection), generation});
  }
  slot_freed_.notify_one();
}

void Pool::release_slot() {
  {
    std::lock_guard lock(mutex_);
    --open_;
  }
  slot_freed_.notify_one();
}

Pool::Lease::Lease(Pool& pool, std::unique_ptr<sql::Connection> connection,
                   std::uint64_t generation)
    : pool_(&pool), connection_(std::move(connection)), generation_(generation) {}

Pool::Lease::Lease(Lease&& other) noexcept
    : pool_(other.pool_),
      connection_(std::move(other.connection_)),
      generation_(other.generation_) {}

Pool::Lease::~Lease() {
  if (connection_) pool_->give_back(std::move(connection_), generation_);
}

void Pool::Lease::discard() noexcept {
  if (!connection_) return;
  connection_.reset();
  pool_->release_slot();
}

}  // namespace canopy::store::mysql
