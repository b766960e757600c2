#include "vsm/gossip/scc.hpp"

#include <algorithm>
#include <limits>

namespace vsm::gossip {

std::vector<std::vector<std::size_t>> strongly_connected_components(
    const std::vector<std::vector<std::size_t>>& adjacency) {
  constexpr std::size_t kUnvisited = std::numeric_limits<std::size_t>::max();
  const std::size_t n = adjacency.size();
  std::vector<std::size_t> index(n, kUnvisited), low(n, 0);
  std::vector<bool> on_stack(n, false);
  std::vector<std::size_t> stack;
  std::vector<std::vector<std::size_t>> out;
  std::size_t counter = 0;
  // Explicit DFS frames: (node, next edge position).
  std::vector<std::pair<std::size_t, std::size_t>> frames;
  for (std::size_t root = 0; root < n; ++root) {
    if (index[root] != kUnvisited) continue;
    frames.push_back({root, 0});
    while (!frames.empty()) {
      auto& [v, edge] = frames.back();
      if (edge == 0 && index[v] == kUnvisited) {
        index[v] = low[v] = counter++;
        stack.push_back(v);
        on_stack[v] = true;
      }
      if (edge < adjacency[v].size()) {
        std::size_t w = adjacency[v][edge++];
        if (index[w] == kUnvisited) {
          frames.push_back({w, 0});
        } else if (on_stack[w]) {
          low[v] = std::min(low[v], index[w]);
        }
        continue;
      }
      std::size_t done = v;
      frames.pop_back();
      if (!frames.empty()) {
        std::size_t parent = frames.back().first;
        low[parent] = std::min(low[parent], low[done]);
      }
      if (low[done] == index[done]) {
        std::vector<std::size_t> comp;
        std::size_t w;
        do {
          w = stack.back();
          stack.pop_back();
          on_stack[w] = false;
          comp.push_back(w);
        } while (w != done);
        std::sort(comp.begin(), comp.end());
        out.push_back(std::move(comp));
      }
    }
  }
  return out;
}

}  // namespace vsm::gossip
