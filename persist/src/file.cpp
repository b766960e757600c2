#include "vsm/persist/file.hpp"

#include "vsm/persist/env.hpp"

namespace vsm::persist {

Status File::append(std::string_view data) {
  while (!data.empty()) {
    auto n = write_some(data);
    if (!n) return std::move(n).error();
    if (*n == 0) return Error::io("write to " + name() + " made no progress");
    data.remove_prefix(std::min(*n, data.size()));
  }
  return {};
}

Result<std::unique_ptr<File>> open_file(const std::filesystem::path& path, FileMode mode) {
  return posix_env().open_file(path, mode);
}

Status sync_dir(const std::filesystem::path& dir) { return posix_env().sync_dir(dir); }

}  // namespace vsm::persist
