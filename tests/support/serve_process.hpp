// A `canopy serve` child process on a free port, for tests of the real executable.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace canopy::testing {

class ServeProcess {
 public:
  // Runs CANOPY_BINARY serve --listen 127.0.0.1:0 `args` from the repository root with `env`
  // added to the environment; waits for the "listening" banner (throws if it never comes).
  // `args` may listen elsewhere (e.g. --listen 0.0.0.0:0); the port is read from the banner.
  // With `stderr_file`, the child's standard error (its log) goes there.
  ServeProcess(std::vector<std::string> args, std::map<std::string, std::string> env,
               const std::string& stderr_file = "");
  ~ServeProcess();
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  std::uint16_t port() const { return port_; }
  // The "canopy listening on ..." line, without its newline (under JSON logs, a JSON object with
  // that message).
  const std::string& banner() const { return banner_; }
  // Sends SIGTERM and returns the exit status (as from waitpid), or -1 if it was gone.
  int terminate();
  // Sends `signal` and returns at once.
  void signal(int signal);
  // Waits for the process to end; its exit status (as from waitpid), or -1 if it was gone.
  int wait();

 private:
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  std::string banner_;
};

}  // namespace canopy::testing
