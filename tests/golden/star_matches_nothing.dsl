// W0302: a `*` transition that matches no state. Without `final:`, the final states are
// the states no transition names as its source, and `*` does not count as naming one: when
// every transition is a `*` transition, every state is final and `*` (= every non-final
// state) is empty. The unreachable states follow from it.
state machine "star-only" {
  initial: OPEN
  states: [OPEN, HOLD, CLOSED]  // expect: warning[W0401] state `HOLD` can never be entered expect: warning[W0401] state `CLOSED` can never be entered
  transitions {
    * → HOLD on "hold"  // expect: warning[W0302] `*` matches no state here: every state is final
    * → CLOSED on "close"  // expect: warning[W0302] declare `final: [...]`
  }
}

// With `final:` listing every state, the help says so.
state machine "all-final" {
  initial: OPEN
  states: [OPEN, CLOSED]  // expect: warning[W0401] state `CLOSED` can never be entered
  final: [OPEN, CLOSED]
  transitions {
    * → CLOSED on "close"  // expect: warning[W0302] take states out of `final:`
  }
}
