// Starts two nodes, sends one coordination event from an S2 to an S1 and prints it.
#include <chrono>
#include <cstdio>

#include <vsm/node.hpp>
#include <vsm/value_pack.hpp>

int main() {
  using namespace std::chrono_literals;
  vsm::NodeConfig pub_cfg;
  pub_cfg.name = "s2.consumer";
  pub_cfg.role = vsm::Role::kS2;
  vsm::Node pub(pub_cfg);
  if (auto st = pub.start(); !st) return std::fprintf(stderr, "%s\n", st.error().to_string().c_str()), 1;

  vsm::NodeConfig sub_cfg;
  sub_cfg.name = "s1.consumer";
  sub_cfg.peers = pub.endpoints();
  vsm::Node sub(sub_cfg);
  if (auto st = sub.start(); !st) return 1;
  auto events = sub.subscribe(vsm::Filter::on(vsm::Channel::kCoordination)).value();
  if (!pub.wait_for_subscribers(1, 10s)) return 1;

  vsm::Event e;
  e.channel = vsm::Channel::kCoordination;
  e.type = "schedule";
  e.payload = vsm::pack_value(std::string("shift-b"));
  if (!pub.publish(e)) return 1;
  auto got = events.next(10s);
  if (!got) return 1;
  std::printf("consumer received %s %s\n", got->type.c_str(),
              vsm::unpack_value<std::string>(got->payload).value().c_str());
  return 0;
}
