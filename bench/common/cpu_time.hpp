// CPU time of this process (getrusage, all threads) or of another process by pid
// (/proc/<pid>/stat, clock-tick resolution), to report CPU seconds per million messages.
#pragma once

#include <sys/resource.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <sstream>
#include <string>

namespace vsm::bench {

struct CpuTime {
  std::int64_t user_ns = 0;
  std::int64_t sys_ns = 0;

  std::int64_t total_ns() const noexcept { return user_ns + sys_ns; }
  friend CpuTime operator-(CpuTime a, CpuTime b) noexcept {
    return {a.user_ns - b.user_ns, a.sys_ns - b.sys_ns};
  }
};

inline CpuTime cpu_from_rusage(const rusage& ru) noexcept {
  auto ns = [](const timeval& tv) {
    return static_cast<std::int64_t>(tv.tv_sec) * 1'000'000'000 + tv.tv_usec * 1'000;
  };
  return {ns(ru.ru_utime), ns(ru.ru_stime)};
}

// All threads of the calling process.
inline CpuTime self_cpu() noexcept {
  rusage ru{};
  ::getrusage(RUSAGE_SELF, &ru);
  return cpu_from_rusage(ru);
}

// utime/stime of a live process; zero when it cannot be read.
inline CpuTime process_cpu(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const auto close_paren = text.rfind(')');  // comm may contain spaces
  if (close_paren == std::string::npos) return {};
  std::istringstream fields(text.substr(close_paren + 2));
  std::string f;
  long long utime = 0, stime = 0;
  for (int i = 3; i <= 15 && fields >> f; ++i) {  // fields 14 and 15 are utime, stime
    if (i == 14) utime = std::stoll(f);
    if (i == 15) stime = std::stoll(f);
  }
  const long long hz = ::sysconf(_SC_CLK_TCK);
  return {utime * 1'000'000'000 / hz, stime * 1'000'000'000 / hz};
}

}  // namespace vsm::bench
