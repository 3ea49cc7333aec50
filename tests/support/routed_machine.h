// The smallest routed machine, for the route tests: every "ping" at an instance of "routed"
// is a transition from A to A, routed to the target "sink".
#pragma once

namespace approval::test {

inline constexpr const char* kRoutedMachine = R"(
state machine "routed" {
  events { "ping" }
  initial: A
  states: [A]
  transitions {
    A → A on "ping"
  }
  routes { "ping" → "sink" }
}
)";

}  // namespace approval::test
