#include "event_printer.hpp"

#include <cerrno>
#include <cstdio>

#include "event_json.hpp"

namespace vsmcat {

WriteResult EventPrinter::print(const vsm::Event& event) {
  if (!format_) return write_stdout_line(dump_json_line(event_to_json(event)));
  buffer_.clear();
  format_->format(event, buffer_);
  // A format controls its own newlines; flush so pipelines see each event at once.
  if (std::fwrite(buffer_.data(), 1, buffer_.size(), stdout) != buffer_.size() ||
      std::fflush(stdout) != 0) {
    return errno == EPIPE ? WriteResult::kClosed : WriteResult::kError;
  }
  return WriteResult::kOk;
}

}  // namespace vsmcat
