// W0402: reachable states from which no final state can be reached (a loop with no way
// out). With `final:` declared, a state without transitions out is not final by default.
state machine "cannot-finish" {
  initial: DRAFT
  states: [DRAFT, REVIEWING, ON_HOLD, WAITING, APPROVED]  // expect: warning[W0402] no final state can be reached from `ON_HOLD` expect: warning[W0402] no final state can be reached from `WAITING`
  final: [APPROVED]
  transitions {
    DRAFT → REVIEWING on "submit"
    REVIEWING → APPROVED on "approve"
    REVIEWING → ON_HOLD on "hold"
    ON_HOLD → WAITING on "ping"
    WAITING → ON_HOLD on "pong"
  }
}
