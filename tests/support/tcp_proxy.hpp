// A TCP proxy that a test can cut and mend: put between one process and a server (one replica
// and Redis), it partitions that process alone while the others stay connected.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace canopy::testing {

class TcpProxy {
 public:
  // Listens on 127.0.0.1 (a free port) and forwards every connection to host:port.
  TcpProxy(std::string host, std::uint16_t port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const;
  // Closes every connection, and closes new ones as soon as they are accepted, until restore().
  void sever();
  void restore();
  // Severs the moment a client sends bytes containing `marker`, before forwarding them: the
  // command carrying it never reaches the server. Deterministic, unlike a timed cut.
  void sever_when_sent(std::string marker);
  bool severed() const;

 private:
  struct State;
  std::shared_ptr<State> state_;
};

}  // namespace canopy::testing
