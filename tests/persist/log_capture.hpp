// Captures what spdlog's default logger writes while it is alive (tests of "reported
// exactly once"). Restores the previous default logger on destruction.
#pragma once

#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <memory>
#include <mutex>
#include <sstream>
#include <string>

namespace vsm::persist::test {

class LogCapture {
 public:
  LogCapture() : previous_(spdlog::default_logger()) {
    auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(out_);
    auto logger = std::make_shared<spdlog::logger>("capture", sink);
    logger->set_level(spdlog::level::trace);
    spdlog::set_default_logger(logger);
  }
  ~LogCapture() { spdlog::set_default_logger(previous_); }
  LogCapture(const LogCapture&) = delete;
  LogCapture& operator=(const LogCapture&) = delete;

  // Lines at `level` ("warning", "info") that contain `needle`.
  std::size_t count(const std::string& level, const std::string& needle) {
    spdlog::default_logger()->flush();
    std::istringstream in(out_.str());
    std::size_t n = 0;
    for (std::string line; std::getline(in, line);) {
      if (line.find("[" + level + "]") != std::string::npos &&
          line.find(needle) != std::string::npos) {
        ++n;
      }
    }
    return n;
  }

 private:
  std::shared_ptr<spdlog::logger> previous_;
  std::ostringstream out_;
};

}  // namespace vsm::persist::test
