// See results.hpp.
#include "results.hpp"

#include <algorithm>

#include "report.hpp"

namespace vsm::bench {
namespace {

const CellResult* find_cell(const SuiteResult& r, System s, std::size_t size) {
  for (const auto& c : r.cells) {
    if (c.system == s && c.payload_bytes == size && c.unavailable.empty()) return &c;
  }
  return nullptr;
}

double cpu_s_per_million(const CpuTime& cpu, std::uint64_t msgs) {
  return msgs ? static_cast<double>(cpu.total_ns()) / 1e9 * 1e6 / static_cast<double>(msgs) : 0;
}

std::string us(std::uint64_t ns) { return fmt(static_cast<double>(ns) / 1e3, 1); }

std::string loss_note(const char* what, const RunResult& r) {
  const double pct = r.sent ? 100.0 * static_cast<double>(r.sent - r.received) / r.sent : 0;
  return std::string("LOSSY ") + what + ": " + fmt_count(static_cast<double>(r.sent - r.received)) +
         " of " + fmt_count(static_cast<double>(r.sent)) + " lost (" + fmt(pct, 2) + "%)";
}

std::string notes_of(const CellResult& c) {
  std::string n;
  auto add = [&](const std::string& s) { n += (n.empty() ? "" : "; ") + s; };
  for (const auto& t : c.throughput) {
    if (!t.ok) add("tput run failed: " + t.error);
    else if (t.lossy()) add(loss_note("tput", t));
  }
  if (c.latency && !c.latency->ok) add("latency run failed: " + c.latency->error);
  if (c.latency && c.latency->ok && c.latency->lossy()) add(loss_note("latency", *c.latency));
  if (const RunResult* m = c.median_throughput(); m && m->retries > 0) {
    add("publisher retried " + fmt_count(static_cast<double>(m->retries)) + "x (queue full)");
  }
  return n;
}

std::vector<std::string> row_of(const CellResult& c, const CellResult* base) {
  const std::string sys(system_title(c.system));
  const std::string size = std::to_string(c.payload_bytes);
  if (!c.unavailable.empty()) {
    return {sys, size, "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a", "n/a",
            c.unavailable};
  }
  std::vector<std::string> row{sys, size};
  const RunResult* t = c.median_throughput();
  const RunResult* bt = base ? base->median_throughput() : nullptr;
  if (t) {
    row.push_back(fmt_count(t->msgs_per_s));
    row.push_back(fmt(t->msgs_per_s * static_cast<double>(c.payload_bytes) / 1e6, 1));
    row.push_back(bt && bt->msgs_per_s > 0 ? fmt(t->msgs_per_s / bt->msgs_per_s, 2) : "-");
  } else {
    row.insert(row.end(), {"-", "-", "-"});
  }
  const RunResult* l = c.latency && c.latency->ok ? &*c.latency : nullptr;
  const RunResult* bl = base && base->latency && base->latency->ok ? &*base->latency : nullptr;
  if (l) {
    row.insert(row.end(), {us(l->p50_ns), us(l->p99_ns), us(l->p999_ns), us(l->max_ns)});
    row.push_back(bl && bl->p50_ns ? fmt(static_cast<double>(l->p50_ns) / bl->p50_ns, 2) : "-");
  } else {
    row.insert(row.end(), {"-", "-", "-", "-", "-"});
  }
  if (t) {
    row.push_back(fmt(cpu_s_per_million(t->pub_cpu, t->received), 2));
    row.push_back(fmt(cpu_s_per_million(t->sub_cpu, t->received), 2));
    row.push_back(t->has_broker ? fmt(cpu_s_per_million(t->broker_cpu, t->received), 2) : "-");
  } else {
    row.insert(row.end(), {"-", "-", "-"});
  }
  row.push_back(notes_of(c));
  return row;
}

nlohmann::json run_json(const RunResult& r, std::size_t size) {
  nlohmann::json j{{"ok", r.ok}, {"sent", r.sent}, {"received", r.received},
                   {"lossy", r.lossy()}, {"gaps", r.gaps}, {"reordered", r.reordered},
                   {"seconds", r.seconds}, {"msgs_per_s", r.msgs_per_s},
                   {"mb_per_s", r.msgs_per_s * static_cast<double>(size) / 1e6},
                   {"publisher_retries", r.retries},
                   {"pub_cpu_s_per_million", cpu_s_per_million(r.pub_cpu, r.received)},
                   {"sub_cpu_s_per_million", cpu_s_per_million(r.sub_cpu, r.received)}};
  if (!r.ok) j["error"] = r.error;
  if (r.has_broker) j["broker_cpu_s_per_million"] = cpu_s_per_million(r.broker_cpu, r.received);
  if (r.lat_count) {
    j["latency_us"] = {{"count", r.lat_count}, {"p50", r.p50_ns / 1e3}, {"p99", r.p99_ns / 1e3},
                       {"p99_9", r.p999_ns / 1e3}, {"max", r.max_ns / 1e3},
                       {"mean", r.mean_ns / 1e3}};
  }
  return j;
}

}  // namespace

void print_table(std::ostream& out, const SuiteOptions& o, const SuiteResult& r) {
  MarkdownTable t({"System", "Bytes", "msgs/s", "MB/s", "vs zmq", "p50 us", "p99 us",
                   "p99.9 us", "max us", "p50 vs zmq", "pub CPU s/M", "sub CPU s/M",
                   "broker CPU s/M", "Notes"});
  for (std::size_t size : o.sizes) {
    const CellResult* base = find_cell(r, System::kZmq, size);
    for (const auto& c : r.cells) {
      if (c.payload_bytes == size) t.add_row(row_of(c, base));
    }
  }
  t.print(out);
}

void print_repair(std::ostream& out, const SuiteOptions& o, const SuiteResult& r) {
  if (!r.repair) return;
  out << "\nGap repair (vsm Node Reliable, start_seq = 1): "
      << fmt_count(static_cast<double>(o.repair_count))
      << " events of 100 B published before the subscriber joined: ";
  if (!r.repair_skipped.empty()) {
    out << "not completed (" << r.repair_skipped << ")\n";
    return;
  }
  out << "all delivered in order " << fmt(r.repair->seconds * 1e3, 1)
      << " ms after the subscriber started (" << fmt_count(r.repair->msgs_per_s) << " events/s)\n";
}

namespace {
double rate_of(const SuiteResult& r, System s, std::size_t bytes) {
  const CellResult* c = find_cell(r, s, bytes);
  const RunResult* t = c ? c->median_throughput() : nullptr;
  return t ? t->msgs_per_s : 0.0;
}
const char* verdict(bool met) { return met ? "met" : "NOT met"; }
}  // namespace

// The targets of issue #14 / DESIGN §7, per payload size where they are per size.
void print_targets(std::ostream& out, const SuiteResult& r) {
  std::vector<std::size_t> sizes;
  for (const auto& c : r.cells) {
    if (std::find(sizes.begin(), sizes.end(), c.payload_bytes) == sizes.end()) {
      sizes.push_back(c.payload_bytes);
    }
  }
  bool header = false;
  for (std::size_t bytes : sizes) {
    const double node = rate_of(r, System::kNode, bytes);
    if (node <= 0) continue;
    if (!header) out << "\nTargets (this run):\n";
    header = true;
    out << "- " << bytes << " B:";
    if (const double nats = rate_of(r, System::kNats, bytes); nats > 0) {
      out << " Node/nats = " << fmt(node / nats, 2) << " (ahead: " << verdict(node > nats) << ");";
    }
    if (const double nodrop = rate_of(r, System::kZmqNoDrop, bytes); nodrop > 0) {
      out << " Node/lossless raw = " << fmt(node / nodrop, 2) << ";";
      if (const double log = rate_of(r, System::kNodeLog, bytes); log > 0 && bytes == 100) {
        out << " Node+log/lossless raw = " << fmt(log / nodrop, 2) << " (>= 0.50: "
            << verdict(log / nodrop >= 0.5) << ");";
      }
    }
    for (System s : {System::kNodeReliable, System::kNodeReliableLog}) {
      const CellResult* c = find_cell(r, s, bytes);
      const RunResult* t = c ? c->median_throughput() : nullptr;
      if (!t) continue;
      const bool lossless = !t->lossy();
      out << " " << system_name(s) << " lossless: " << verdict(lossless);
      if (s == System::kNodeReliable) {
        out << ", /BestEffort = " << fmt(t->msgs_per_s / node, 2) << " (>= 0.80: "
            << verdict(t->msgs_per_s / node >= 0.8) << ")";
      }
      out << ";";
    }
    out << "\n";
  }
  const CellResult* z = find_cell(r, System::kZmq, 100);
  const CellResult* n = find_cell(r, System::kNode, 100);
  if (z && n && z->latency && z->latency->ok && n->latency && n->latency->ok && z->latency->p50_ns) {
    const double lr = static_cast<double>(n->latency->p50_ns) / z->latency->p50_ns;
    out << "- latency p50 at the latency rate: Node / raw libzmq = " << fmt(lr, 2)
        << " (<= 1.3: " << verdict(lr <= 1.3) << ")\n";
  }
}

nlohmann::json to_json(const SuiteOptions& o, const SuiteResult& r) {
  nlohmann::json j;
  j["benchmark"] = "pubsub_bench";
  j["machine"] = machine_info();
  j["config"] = {{"repeat", o.repeat}, {"latency_rate_msgs_per_s", o.rate},
                 {"latency_seconds", o.latency_seconds}, {"smoke", o.smoke},
                 {"transport", "tcp loopback, separate publisher and subscriber processes"}};
  j["wall_seconds"] = static_cast<double>(r.wall_ns) / 1e9;
  for (const auto& c : r.cells) {
    nlohmann::json cj{{"system", system_name(c.system)}, {"title", system_title(c.system)},
                      {"payload_bytes", c.payload_bytes}};
    if (!c.unavailable.empty()) cj["unavailable"] = c.unavailable;
    const CellResult* base = find_cell(r, System::kZmq, c.payload_bytes);
    const RunResult* m = c.median_throughput();
    const RunResult* bm = base ? base->median_throughput() : nullptr;
    if (m) cj["throughput"] = run_json(*m, c.payload_bytes);
    if (m && bm && bm->msgs_per_s > 0) cj["ratio_to_zmq"] = m->msgs_per_s / bm->msgs_per_s;
    for (const auto& t : c.throughput) cj["throughput_runs"].push_back(run_json(t, c.payload_bytes));
    if (c.latency) cj["latency"] = run_json(*c.latency, c.payload_bytes);
    j["results"].push_back(cj);
  }
  if (r.repair) {
    j["gap_repair"] = run_json(*r.repair, 100);
    j["gap_repair"]["events"] = o.repair_count;
    j["gap_repair"]["completed"] = r.repair_skipped.empty();
    if (!r.repair_skipped.empty()) j["gap_repair"]["not_completed"] = r.repair_skipped;
  }
  j["server_problems"] = r.server_problems;
  return j;
}

std::vector<std::string> smoke_failures(const SuiteResult& r) {
  std::vector<std::string> out = r.server_problems;
  for (const auto& c : r.cells) {
    if (!c.unavailable.empty()) continue;
    const std::string who = std::string(system_name(c.system)) + " " +
                            std::to_string(c.payload_bytes) + " B";
    std::vector<const RunResult*> runs;
    for (const auto& t : c.throughput) runs.push_back(&t);
    if (c.latency) runs.push_back(&*c.latency);
    for (const RunResult* x : runs) {
      if (!x->ok) out.push_back(who + ": run failed: " + x->error);
      else if (x->received != x->sent) {
        out.push_back(who + ": received " + std::to_string(x->received) + " of " +
                      std::to_string(x->sent));
      } else if (!x->children_exited_cleanly) {
        out.push_back(who + ": a role process did not exit cleanly");
      }
    }
  }
  // A gap repair that did not complete is reported as skipped (the caller prints why);
  // one that completed must have delivered every event exactly once.
  if (r.repair && r.repair_skipped.empty()) {
    if (r.repair->received != r.repair->sent) {
      out.push_back("gap repair: received " + std::to_string(r.repair->received) + " of " +
                    std::to_string(r.repair->sent));
    } else if (!r.repair->children_exited_cleanly) {
      out.push_back("gap repair: a role process did not exit cleanly");
    }
  }
  return out;
}

}  // namespace vsm::bench
