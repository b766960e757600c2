#include "output.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace vsmcat {

WriteResult write_stdout_line(std::string_view line) {
  const bool ok = std::fwrite(line.data(), 1, line.size(), stdout) == line.size() &&
                  std::fputc('\n', stdout) != EOF && std::fflush(stdout) == 0;
  if (ok) return WriteResult::kOk;
  return errno == EPIPE ? WriteResult::kClosed : WriteResult::kError;
}

void status_line(std::string_view line) {
  // One write per line: lines from several threads (node's telemetry) never mix.
  std::string out(line);
  out.push_back('\n');
  std::fwrite(out.data(), 1, out.size(), stderr);
  std::fflush(stderr);
}

vsm::Status write_file_atomic(const std::string& path, const std::vector<std::string>& lines) {
  const std::string tmp = path + ".tmp";
  std::FILE* f = std::fopen(tmp.c_str(), "w");
  if (!f) return vsm::Error::io("cannot write '" + tmp + "': " + std::strerror(errno));
  bool ok = true;
  for (const auto& l : lines) ok = ok && std::fprintf(f, "%s\n", l.c_str()) >= 0;
  ok = (std::fclose(f) == 0) && ok;
  if (!ok || std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    return vsm::Error::io("cannot write '" + path + "': " + std::strerror(errno));
  }
  return {};
}

}  // namespace vsmcat
