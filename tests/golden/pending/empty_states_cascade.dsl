// PENDING (noise): `states: []` is reported as E0210, but then every state name used in a
// transition is also reported as unknown (E0201), one per name. With no `states:` at all
// the checker deliberately stays quiet about those names ("reported once as
// MissingStates", transition_checks.cpp); an empty list should be treated the same way.
// Expected: only the E0210 (and arguably the E0204) below.
state machine "empty-states" {
  initial: DRAFT  // expect: error[E0204] initial state `DRAFT` is not declared
  states: []  // expect: error[E0210] machine "empty-states" declares no states
  transitions {
    DRAFT → REVIEWING on "submit"      // currently: 2 × E0201
    REVIEWING → APPROVED on "approve"  // currently: 2 × E0201
  }
}
