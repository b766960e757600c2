// CURVE settings of the node's sockets (ZeroMQ RFC 26). Servers (the XPUB and the
// control ROUTER, which bind) authenticate clients through the ZAP handler of their
// context (zap_handler.hpp) and refuse every handshake while no handler runs
// (ZMQ_ZAP_ENFORCE_DOMAIN); clients (the XSUB and control clients, which connect) pin
// the server's public key, so they talk to nobody else.
// Thread-safety: call on the thread that owns the socket, before bind()/connect().
#pragma once

#include <string_view>
#include <zmq.hpp>

namespace vsm::detail {

struct SecretKeyEntry;

// REQUIRES: keys are 32 bytes each.
void make_curve_server(zmq::socket_t& socket, std::string_view secret_key,
                       std::string_view zap_domain);
// Applies to the connections made by later connect() calls.
void make_curve_client(zmq::socket_t& socket, std::string_view public_key,
                       std::string_view secret_key, std::string_view server_key);

}  // namespace vsm::detail
