// format_progress (cli/src/progress_line.hpp): counts, percentage of a total, ETA, rate.
#include "progress_line.hpp"

#include <catch2/catch.hpp>

namespace vsmcat {

TEST_CASE("progress with a total shows the percentage and an ETA", "[cli][progress]") {
  ProgressFigures f;
  f.label = "replayed";
  f.count = 5'000;
  f.position = 250'000;
  f.total = 1'000'000;
  f.elapsed_s = 10;
  CHECK(format_progress(f) == "replayed: 5000 events, 25% of 1000000 records, ETA 0:30");
  f.position = f.total;
  CHECK(format_progress(f) == "replayed: 5000 events, 100% of 1000000 records, done in 0:10");
  f.position = 1;
  f.elapsed_s = 2;
  CHECK(format_progress(f) == "replayed: 5000 events, 0% of 1000000 records, ETA 555:33:18");
}

TEST_CASE("progress without a total shows the rate; bytes in MiB", "[cli][progress]") {
  ProgressFigures f;
  f.label = "replayed";
  f.count = 120'000;
  f.elapsed_s = 3;
  CHECK(format_progress(f) == "replayed: 120000 events (40000/s)");
  ProgressFigures v;
  v.label = "verify";
  v.counts_events = false;
  v.position = 100u << 20;
  v.total = 300u << 20;
  v.unit = "bytes";
  v.elapsed_s = 7;
  CHECK(format_progress(v) == "verify: 33% of 300 MiB, ETA 0:14");
}

}  // namespace vsmcat
