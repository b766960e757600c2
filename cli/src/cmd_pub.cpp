// `vsmcat pub`: JSON lines (stdin or -m) -> Node::publish(). The publisher binds its
// XPUB (--bind, default tcp://127.0.0.1:*) and prints "endpoint <ep>" on stderr;
// subscribers connect to it (`vsmcat sub --connect <ep>`). --wait-subs N waits until
// N subscriber nodes are ready (presence topic) before the first event.
#include "cmd_pub.hpp"

#include <spdlog/spdlog.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <thread>

#include "event_json.hpp"
#include "line_reader.hpp"
#include "node_options.hpp"
#include "output.hpp"
#include "signals.hpp"
#include "publish_retry.hpp"
#include "rate_pacer.hpp"
#include "vsm/node.hpp"

namespace vsmcat {
namespace {

struct PubOptions {
  NodeOptions node;
  std::vector<std::string> messages;
  std::string channel;
  std::string source;
  std::string type;
  std::string target;
  std::optional<int> priority;
  std::uint64_t count = 0;
  std::string rate;
  std::size_t wait_subs = 0;
  double wait_timeout_s = 10.0;
  bool skip_invalid = false;
  std::string endpoints_file;
  std::vector<std::string> connect;  // rejected with an explanation
};

struct PubCounts {
  std::uint64_t published = 0;
  std::uint64_t skipped = 0;
  bool reached = false;  // a subscriber node was ready at some point while publishing
};

void say(const std::string& msg) { status_line("vsmcat pub: " + msg); }

// Strips nlohmann's "[json.exception.parse_error.101] " prefix.
std::string json_error_text(const std::exception& e) {
  std::string s = e.what();
  if (auto pos = s.find("] "); s.starts_with("[json.exception") && pos != std::string::npos) {
    s.erase(0, pos + 2);
  }
  return s;
}

// Parses one input line into an event; the error names what is wrong with it.
vsm::Result<vsm::Event> parse_line(const std::string& text, const EventDefaults& defaults) {
  nlohmann::json j;
  try {
    j = nlohmann::json::parse(text);
  } catch (const nlohmann::json::exception& e) {
    return vsm::Error::invalid("malformed JSON: " + json_error_text(e));
  }
  return event_from_json(j, defaults);
}

bool is_input_error(const vsm::Error& e) {
  return e.code() == vsm::ErrorCode::kInvalid || e.code() == vsm::ErrorCode::kTooLarge ||
         e.code() == vsm::ErrorCode::kBlocked || e.code() == vsm::ErrorCode::kDegraded;
}

class InputSource {
 public:
  explicit InputSource(const std::vector<std::string>& messages) : messages_(messages) {}
  // Next input and its label ("line 3", "message 2"); empty at the end.
  std::optional<std::pair<std::string, std::string>> next() {
    ++number_;
    if (!messages_.empty()) {
      if (number_ > messages_.size()) return std::nullopt;
      return std::pair{"message " + std::to_string(number_), messages_[number_ - 1]};
    }
    auto line = reader_.next([] { return stop_requested(); });
    if (!line) return std::nullopt;
    return std::pair{"line " + std::to_string(number_), std::move(*line)};
  }
  int read_error() const { return reader_.error(); }

 private:
  const std::vector<std::string>& messages_;
  LineReader reader_{STDIN_FILENO};
  std::size_t number_ = 0;
};

int publish_all(vsm::Node& node, const PubOptions& o, const EventDefaults& defaults,
                PubCounts& counts) {
  std::optional<RatePacer> bucket;
  if (!o.rate.empty()) {
    const double rate = *parse_rate(o.rate);  // checked by CLI11
    bucket.emplace(rate, std::max(1.0, rate / 100.0));
  }
  InputSource input(o.messages);
  while (o.count == 0 || counts.published < o.count) {
    auto item = input.next();
    if (!item) break;
    const auto& [label, text] = *item;
    if (text.find_first_not_of(" \t") == std::string::npos) continue;  // blank line
    auto event = parse_line(text, defaults);
    std::optional<vsm::Error> failure;
    if (event) {
      if (bucket) bucket->acquire();
      auto receipt = publish_retrying(node, std::move(event).value());
      if (receipt) {
        ++counts.published;
        // Cheap (no wait): looked at on the first event and every 256th after it.
        if (!counts.reached && (counts.published & 255) == 1) {
          counts.reached = node.wait_for_subscribers(1, std::chrono::milliseconds(0));
        }
        spdlog::debug("published {} seq {}", receipt->id.to_string(), receipt->seq);
        continue;
      }
      if (receipt.error().code() == vsm::ErrorCode::kShuttingDown && stop_requested()) break;
      if (!is_input_error(receipt.error())) {
        say("error: " + label + ": " + receipt.error().to_string());
        return kExitRuntime;
      }
      failure = std::move(receipt).error();
    } else {
      failure = std::move(event).error();
    }
    if (!o.skip_invalid) {
      say("error: " + label + ": " + failure->message() +
          " (use --skip-invalid to skip such input)");
      return kExitRuntime;
    }
    ++counts.skipped;
    say("skipped " + label + ": " + failure->message());
  }
  if (input.read_error() != 0) {
    say(std::string("error: reading stdin: ") + std::strerror(input.read_error()));
    return kExitRuntime;
  }
  return kExitOk;
}

int run_pub(const PubOptions& o) {
  if (!o.connect.empty()) {
    say("a publisher binds and subscribers connect to it: use --bind ENDPOINT here and "
        "`vsmcat sub --connect ENDPOINT` on the other side");
    return kExitUsage;
  }
  auto cfg = build_node_config(o.node, default_node_name("pub"));
  if (!cfg) {
    say("error: " + cfg.error().message());
    return exit_code_for(cfg.error());
  }
  EventDefaults defaults;
  if (!o.channel.empty()) defaults.channel = vsm::parse_channel(o.channel);  // checked
  defaults.source = o.source;
  defaults.type = o.type;
  defaults.target = o.target;
  if (o.priority) defaults.priority = static_cast<std::uint8_t>(*o.priority);

  vsm::Node node(std::move(cfg).value());
  if (auto st = node.start(); !st) {
    say("error: cannot start the node: " + st.error().to_string());
    return exit_code_for(st.error());
  }
  // close() wakes wait_for_subscribers() and flushes; the read loop polls stop_requested().
  // Registered before the "endpoint" lines, which scripts may react to at once.
  StopOnSignal on_signal([&node] { node.close(); });
  const auto endpoints = node.endpoints();
  for (const auto& ep : endpoints) status_line("endpoint " + ep);
  if (!o.endpoints_file.empty()) {
    if (auto st = write_file_atomic(o.endpoints_file, endpoints); !st) {
      say("error: " + st.error().message());
      return kExitRuntime;
    }
  }
  if (o.wait_subs > 0) {
    const auto timeout =
        std::chrono::milliseconds(static_cast<std::int64_t>(o.wait_timeout_s * 1000));
    const bool ready = node.wait_for_subscribers(o.wait_subs, timeout);
    if (!ready && stop_requested()) {
      node.stop();
      say("interrupted while waiting for subscribers");
      return kExitOk;
    }
    if (!ready) {
      say("error: timed out after " + std::to_string(o.wait_timeout_s) + " s waiting for " +
          std::to_string(o.wait_subs) + " subscriber(s) (" +
          std::to_string(node.stats().subscribers) + " ready)");
      return kExitRuntime;
    }
    spdlog::info("{} subscriber(s) ready", node.stats().subscribers);
  }
  PubCounts counts;
  const int rc = publish_all(node, o, defaults, counts);
  counts.reached = counts.reached || node.wait_for_subscribers(1, std::chrono::milliseconds(0));
  node.stop();  // flushes queued events for up to linger_ms
  std::string summary = "published " + std::to_string(counts.published) + " event(s)";
  if (counts.skipped > 0) summary += ", skipped " + std::to_string(counts.skipped) + " invalid";
  if (stop_requested()) summary += " (interrupted)";
  say(summary);
  if (counts.published > 0 && !counts.reached) {
    say("warning: no subscriber was connected, so no one received them (subscribers connect "
        "to the endpoint above; --wait-subs N waits for N of them)");
  }
  return rc;
}

}  // namespace

Command register_pub(CLI::App& root) {
  auto o = std::make_shared<PubOptions>();
  CLI::App* app =
      root.add_subcommand("pub", "Publish events: JSON lines from stdin, or -m JSON (repeatable)");
  app->add_option("-m,--message", o->messages, "An event as JSON (repeatable); stdin is not read");
  app->add_option("-t,--channel", o->channel, "Default channel for events without one")
      ->check([](const std::string& c) -> std::string {
        return vsm::parse_channel(c) ? ""
                                     : "unknown channel '" + c +
                                           "' (command, coordination, audit, "
                                           "algedonic, resource_bargain)";
      });
  app->add_option("--source", o->source, "Default source (default: the node name)");
  app->add_option("--type", o->type, "Default event type");
  app->add_option("--target", o->target, "Default target (default: broadcast)");
  app->add_option("--priority", o->priority, "Default priority 0..3")->check(CLI::Range(0, 3));
  app->add_option("-c,--count", o->count, "Stop after publishing N events");
  app->add_option("--rate", o->rate, "Pace publishing at N events per second, e.g. 500 or 500/s")
      ->check([](const std::string& r) -> std::string {
        return parse_rate(r) ? "" : "rate '" + r + "' must be a positive number, e.g. 500 or 500/s";
      });
  app->add_option("--wait-subs", o->wait_subs, "Wait for N ready subscribers before publishing");
  app->add_option("--wait-timeout", o->wait_timeout_s, "Seconds --wait-subs may wait (default 10)")
      ->check(CLI::PositiveNumber);
  app->add_flag("--skip-invalid", o->skip_invalid,
                "Skip (and count) invalid input instead of failing");
  app->add_option("--endpoints-file", o->endpoints_file,
                  "Write the bound endpoints to PATH, one per line");
  app->add_option("--connect", o->connect, "Not supported: subscribers connect to a publisher")
      ->group("");
  add_bind_option(*app, o->node);
  add_identity_options(*app, o->node);
  add_fabric_options(*app, o->node);
  return {app, [o] { return run_pub(*o); }};
}

}  // namespace vsmcat
