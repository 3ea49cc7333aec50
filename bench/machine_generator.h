// A deterministic generator of realistic approval machines for the front-end benchmarks.
//
// generateMachine(N) writes one `state machine "gen-N" { ... }` source with a context block,
// an events block, a quorum policy, `initial:`, `states:`, `final:`, exactly N declared
// transitions and a routes block. The transitions mix what real flows use: plain event
// transitions, guarded ones (`if amount <= 500000 && hasQuorum()`, `if event.actor ==
// applicant`, ...), `after 48h` timers, list sources `[A, B] → C`, one `*` source, and
// actions with `compensate undo()`.
//
// The machine is built to compile with no diagnostics at all:
//  - a backbone chain DRAFT → ... → APPROVED makes every state reachable from the initial
//    state and able to reach a final state; REJECTED and CANCELLED are entered too;
//  - for every (state, trigger) at most one transition is unguarded and it is declared after
//    every guarded one (no ambiguity, no shadowing);
//  - no transition leaves a final state, host actions keep one arity, every event a
//    transition accepts is declared in `events` (and only those), payload fields are only
//    read where the event declares them, and every route names an event in use.
// The same arguments always give the same text.
#pragma once

#include <cstddef>
#include <string>

namespace approval::bench {

struct GeneratedMachine {
  std::string name;         // "gen-N"
  std::string path;         // a display path for diagnostics, "gen-N.dsl"
  std::string source;       // the DSL text
  std::size_t transitions;  // declared transitions (N)
  std::size_t states;       // declared states, finals included
};

/// The state count used when none is given: two declared transitions per state, plus the
/// three final states.
[[nodiscard]] std::size_t defaultStateCount(std::size_t transitions);

/// Generates a machine with `transitions` declared transitions and `states` states (0: the
/// default). Requires states >= 5 and transitions >= states - 1; throws
/// std::invalid_argument otherwise.
[[nodiscard]] GeneratedMachine generateMachine(std::size_t transitions, std::size_t states = 0);

}  // namespace approval::bench
