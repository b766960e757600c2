// Presentation of a suite: the Markdown table (with ratios to raw libzmq at the same
// payload size), the target check against DESIGN §7, JSON, and the smoke assertions.
#pragma once

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "driver.hpp"

namespace vsm::bench {

void print_table(std::ostream& out, const SuiteOptions& o, const SuiteResult& r);
// The gap-repair run (Reliable subscriber joining after the events were published).
void print_repair(std::ostream& out, const SuiteOptions& o, const SuiteResult& r);
// DESIGN §7 bars, evaluated on this run: Node vs raw libzmq and nats.
void print_targets(std::ostream& out, const SuiteResult& r);
nlohmann::json to_json(const SuiteOptions& o, const SuiteResult& r);
// Problems that fail a smoke run: failed runs, lost messages, brokers left running.
std::vector<std::string> smoke_failures(const SuiteResult& r);

}  // namespace vsm::bench
