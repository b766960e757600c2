// Where vsmcat writes: data lines on stdout (flushed per line, so `| jq` and tests see
// each event at once), status lines on stderr, and small files written atomically
// (temporary file + rename) so a script polling for them never reads half a file.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "vsm/result.hpp"

namespace vsmcat {

enum class WriteResult { kOk, kClosed, kError };

// Writes `line` plus '\n' to stdout and flushes. kClosed when the reader went away
// (EPIPE: `vsmcat sub | head -1` is a normal way to stop).
WriteResult write_stdout_line(std::string_view line);

// Writes one status line to stderr, e.g. "ready" or "endpoint tcp://127.0.0.1:4711", in
// one write (safe from any thread: lines do not mix).
void status_line(std::string_view line);

// Writes `lines` (each followed by '\n') to `path` atomically.
vsm::Status write_file_atomic(const std::string& path, const std::vector<std::string>& lines);

}  // namespace vsmcat
