// fork/exec of the canopy executable with its stdout piped back for the banner.
#include "support/serve_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace canopy::testing {

ServeProcess::ServeProcess(std::vector<std::string> args, std::map<std::string, std::string> env,
                           const std::string& stderr_file) {
  int out[2];
  if (pipe(out) != 0) throw std::runtime_error("pipe failed");
  args.insert(args.begin(), {CANOPY_BINARY, "serve", "--listen", "127.0.0.1:0"});
  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    dup2(out[1], STDOUT_FILENO);
    if (!stderr_file.empty()) {
      const int err = open(stderr_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      if (err < 0) _exit(127);
      dup2(err, STDERR_FILENO);
    }
    close(out[0]);
    if (chdir(CANOPY_SOURCE_DIR) != 0) _exit(127);
    for (const auto& [k, v] : env)
      setenv(k.c_str(), v.c_str(), 1);
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    execv(argv[0], argv.data());
    _exit(127);
  }
  close(out[1]);
  FILE* stream = fdopen(out[0], "r");
  char line[512] = {};
  const bool got = fgets(line, sizeof line, stream) != nullptr;
  fclose(stream);  // the child keeps writing nowhere: it prints nothing else to stdout
  const std::string banner = got ? line : "";
  // "canopy listening on http://HOST:PORT[, internal routes on http://HOST:PORT]": the first. With
  // JSON logs the line is a JSON object with that message.
  const std::string prefix = "canopy listening on http://";
  const auto at = banner.find(prefix);
  const auto colon = at == std::string::npos ? at : banner.find(':', at + prefix.size());
  if (colon == std::string::npos) {
    terminate();
    throw std::runtime_error("canopy serve did not start: '" + banner + "'");
  }
  port_ = static_cast<std::uint16_t>(std::stoi(banner.substr(colon + 1)));
  banner_ = banner.substr(0, banner.find('\n'));
}

ServeProcess::~ServeProcess() {
  terminate();
}

int ServeProcess::terminate() {
  if (pid_ <= 0) return -1;
  kill(pid_, SIGTERM);
  return wait();
}

void ServeProcess::signal(int signal) {
  if (pid_ > 0) kill(pid_, signal);
}

int ServeProcess::wait() {
  if (pid_ <= 0) return -1;
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
  return status;
}

}  // namespace canopy::testing
