// A TCP proxy that a test can cut and mend: put between one process and a server (one replica
// and Redis), it partitions that process alone while the others stay connected.
#pragma once

#include <cstddef>
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
  // Every connection, open or new, keeps its socket open but goes silent: what the client
  // sends is swallowed and nothing comes back (a Redis that accepts and never answers), until
  // restore(). A connection silenced stays silent after restore(): its stream lost bytes.
  void black_hole();
  // Every connection, open or new, forwards `bytes` more bytes from the client, then goes
  // silent as in black_hole() (a command cut in the middle), until restore().
  void swallow_after(std::size_t bytes);
  // Ends sever(), black_hole() and swallow_after() for new connections.
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
