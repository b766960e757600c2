// FaultGate: each verdict, due order, reorder behind the next message, the hold bound.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "vsm/fault_gate.hpp"

namespace vsm {
namespace {

struct Sink {
  std::vector<std::string> got;
  FaultGate::Deliver fn() {
    return [this](std::string_view tag, std::string_view bytes) {
      got.push_back(std::string(tag) + ":" + std::string(bytes));
    };
  }
};

constexpr FaultVerdict kPass{};
constexpr FaultVerdict kDrop{FaultAction::kDrop, 0};
constexpr FaultVerdict kDup{FaultAction::kDuplicate, 0};
constexpr FaultVerdict kReorder{FaultAction::kReorder, 0};

}  // namespace

TEST_CASE("fault gate: pass, drop and duplicate act at once", "[fault_gate]") {
  FaultGate gate;
  Sink s;
  gate.apply(kPass, 0, "a", "1", s.fn());
  gate.apply(kDrop, 0, "a", "2", s.fn());
  gate.apply(kDup, 0, "a", "3", s.fn());
  CHECK(s.got == std::vector<std::string>{"a:1", "a:3", "a:3"});
  CHECK(gate.held() == 0);
  CHECK_FALSE(gate.next_due_ms());
}

TEST_CASE("fault gate: delayed messages come out when due, in due order", "[fault_gate]") {
  FaultGate gate;
  Sink s;
  gate.apply({FaultAction::kDelay, 300}, 100, "p", "late", s.fn());
  gate.apply({FaultAction::kDelay, 100}, 100, "p", "early", s.fn());
  gate.apply(kPass, 150, "p", "now", s.fn());
  CHECK(s.got == std::vector<std::string>{"p:now"});
  REQUIRE(gate.next_due_ms() == 200);
  gate.release_due(199, s.fn());
  CHECK(s.got.size() == 1);
  gate.release_due(500, s.fn());
  CHECK(s.got == std::vector<std::string>{"p:now", "p:early", "p:late"});
  CHECK(gate.held() == 0);
}

TEST_CASE("fault gate: a reordered message follows the next one", "[fault_gate]") {
  FaultGate gate(16, 200);
  Sink s;
  gate.apply(kReorder, 0, "x", "1", s.fn());
  CHECK(s.got.empty());
  gate.apply(kPass, 5, "x", "2", s.fn());
  CHECK(s.got == std::vector<std::string>{"x:2", "x:1"});
  // Nothing overtakes it: released after reorder_hold_ms.
  gate.apply(kReorder, 10, "x", "3", s.fn());
  gate.release_due(209, s.fn());
  CHECK(s.got.size() == 2);
  gate.release_due(210, s.fn());
  CHECK(s.got.back() == "x:3");
}

TEST_CASE("fault gate: a full buffer delivers at once and counts", "[fault_gate]") {
  FaultGate gate(2, 50);
  Sink s;
  for (int i = 0; i < 5; ++i) gate.apply({FaultAction::kDelay, 1'000}, 0, "t", std::to_string(i), s.fn());
  CHECK(gate.held() == 2);
  CHECK(gate.overflow() == 3);
  CHECK(s.got == std::vector<std::string>{"t:2", "t:3", "t:4"});
  gate.release_all(s.fn());
  CHECK(s.got.size() == 5);
  CHECK(gate.held() == 0);
}

TEST_CASE("fault action names round-trip", "[fault_gate]") {
  for (auto a : {FaultAction::kPass, FaultAction::kDrop, FaultAction::kDelay,
                 FaultAction::kDuplicate, FaultAction::kReorder}) {
    CHECK(parse_fault_action(fault_action_name(a)) == a);
  }
  CHECK_FALSE(parse_fault_action("explode"));
}

}  // namespace vsm
