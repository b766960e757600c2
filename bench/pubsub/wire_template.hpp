// The vsm wire frame of a benchmark event (PROTOCOL.md §1: topic, 0x00, the event map),
// built once with the Node's own codec, so raw libzmq can carry exactly what
// the Node sends: the "zmq-wire" system is the ceiling of any implementation of the
// protocol on this machine. The payload occupies a fixed range of the body; a sender
// overwrites it per message, a receiver reads it from there without decoding.
#pragma once

#include <cstddef>
#include <string>

namespace vsm::bench {

struct WireTemplate {
  std::string body;                // the whole frame, payload bytes at payload_offset
  std::size_t payload_offset = 0;  // of the payload's bytes inside the msgpack bin
};

// msgpack bin header for n bytes (bin8 / bin16 / bin32): benchmark payloads travel as
// one bin value in Event::payload.
std::string msgpack_bin_header(std::size_t n);

// Same field sizes as NodePublisher's events (node_transport.cpp), so the same
// frame size as the Node's frames for `payload_bytes` (one event per frame: the
// ceiling of unbatched v2; the Node batches a backlog on top of that).
WireTemplate make_wire_template(std::size_t payload_bytes);

}  // namespace vsm::bench
