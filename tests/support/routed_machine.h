// The smallest routed machines, for the route tests: every "ping" at an instance of "routed"
// is a transition from A to A, routed to the targets given (`kRoutedMachine`: "sink").
#pragma once

#include <string>
#include <string_view>

namespace approval::test {

/// `targets` as the route's text: "sink", or "a, b" for two.
inline std::string routedMachineTo(std::string_view targets) {
  return R"(
state machine "routed" {
  events { "ping" }
  initial: A
  states: [A]
  transitions {
    A → A on "ping"
  }
  routes { "ping" → ")" +
         std::string(targets) + R"(" }
}
)";
}

inline const std::string kRoutedMachine = routedMachineTo("sink");

}  // namespace approval::test
