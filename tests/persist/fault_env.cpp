#include "fault_env.hpp"

#include <algorithm>

namespace vsm::persist::test {

// A real file whose writes and syncs first ask the FaultEnv.
class FaultFile final : public File {
 public:
  FaultFile(FaultEnv& env, std::unique_ptr<File> file) : env_(env), file_(std::move(file)) {}

  Result<std::size_t> read_at(std::uint64_t pos, char* dst, std::size_t n) override {
    auto r = file_->read_at(pos, dst, n);
    if (r) env_.count_read(*r);
    return r;
  }
  Result<std::size_t> write_some(std::string_view data) override {
    auto allowed = env_.admit_write(data.size());
    if (!allowed) return std::move(allowed).error();
    return file_->write_some(data.substr(0, *allowed));
  }
  Status sync() override {
    if (Status s = env_.admit_sync(); !s) return s;
    return file_->sync();
  }
  Status truncate(std::uint64_t size) override {
    env_.count_truncate();
    return file_->truncate(size);
  }
  Result<std::uint64_t> size() override { return file_->size(); }
  const std::string& name() const override { return file_->name(); }

 private:
  FaultEnv& env_;
  std::unique_ptr<File> file_;
};

Result<std::unique_ptr<File>> FaultEnv::open_file(const std::filesystem::path& path,
                                                  FileMode mode) {
  {
    std::lock_guard lock(mu_);
    if (fail_creates_ && mode == FileMode::kCreate) {
      return Error::no_space("injected ENOSPC creating " + path.string());
    }
  }
  auto f = posix_env().open_file(path, mode);
  if (!f) return std::move(f).error();
  return std::unique_ptr<File>(std::make_unique<FaultFile>(*this, std::move(f).value()));
}

Result<std::size_t> FaultEnv::admit_write(std::size_t n) {
  std::lock_guard lock(mu_);
  ++counters_.writes;
  if (eio_writes_) return Error::io("injected EIO on write");
  if (space_left_ == 0) return Error::no_space("injected ENOSPC on write");
  std::size_t k = n;
  if (max_write_ != 0) k = std::min(k, max_write_);
  if (space_left_ != kUnlimited) {
    k = static_cast<std::size_t>(std::min<std::uint64_t>(k, space_left_));
    space_left_ -= k;
  }
  return k;
}

Status FaultEnv::admit_sync() {
  std::unique_lock lock(mu_);
  ++counters_.syncs;
  ++counters_.blocked_syncs;
  cv_.wait(lock, [&] { return !gate_closed_; });
  --counters_.blocked_syncs;
  if (eio_syncs_) return Error::io("injected EIO on fdatasync");
  return {};
}

void FaultEnv::count_truncate() {
  std::lock_guard lock(mu_);
  ++counters_.truncates;
}

void FaultEnv::count_read(std::uint64_t n) {
  std::lock_guard lock(mu_);
  counters_.bytes_read += n;
}

}  // namespace vsm::persist::test
