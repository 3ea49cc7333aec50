// W0401: states that no path from the initial state reaches, including a state that only
// has transitions out (nothing leads into it) and one reachable only from it.
state machine "unreachable" {
  initial: DRAFT
  states: [DRAFT, APPROVED, ORPHAN, ARCHIVED, LOST]  // expect: warning[W0401] state `ORPHAN` can never be entered expect: warning[W0401] state `LOST` can never be entered
  transitions {
    DRAFT → APPROVED on "approve"
    DRAFT → ARCHIVED on "archive"
    ORPHAN → ARCHIVED on "archive"
  }
}
