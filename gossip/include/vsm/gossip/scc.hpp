// Strongly connected components with Tarjan's algorithm (iterative, so deep graphs do not
// overflow the stack). Pure function; thread-safe.
#pragma once

#include <cstddef>
#include <vector>

namespace vsm::gossip {

// `adjacency[u]` lists the nodes u has an edge to (indices < adjacency.size()).
// Returns the components; each component's nodes are sorted ascending, and components are
// in reverse topological order (Tarjan's output order).
std::vector<std::vector<std::size_t>> strongly_connected_components(
    const std::vector<std::vector<std::size_t>>& adjacency);

}  // namespace vsm::gossip
