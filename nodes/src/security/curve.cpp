#include "security/curve.hpp"

#include <string>

namespace vsm::detail {

void make_curve_server(zmq::socket_t& socket, std::string_view secret_key,
                       std::string_view zap_domain) {
  socket.set(zmq::sockopt::curve_server, 1);
  socket.set(zmq::sockopt::curve_secretkey,
             zmq::const_buffer(secret_key.data(), secret_key.size()));
  socket.set(zmq::sockopt::zap_domain, std::string(zap_domain));
  const int enforce = 1;  // no handler: refuse, never fall back to "anyone"
  if (zmq_setsockopt(socket.handle(), ZMQ_ZAP_ENFORCE_DOMAIN, &enforce, sizeof enforce) != 0) {
    throw zmq::error_t();
  }
}

void make_curve_client(zmq::socket_t& socket, std::string_view public_key,
                       std::string_view secret_key, std::string_view server_key) {
  socket.set(zmq::sockopt::curve_publickey,
             zmq::const_buffer(public_key.data(), public_key.size()));
  socket.set(zmq::sockopt::curve_secretkey,
             zmq::const_buffer(secret_key.data(), secret_key.size()));
  socket.set(zmq::sockopt::curve_serverkey,
             zmq::const_buffer(server_key.data(), server_key.size()));
}

}  // namespace vsm::detail
