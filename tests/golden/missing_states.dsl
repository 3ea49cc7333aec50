// E0210: no `states:` list, or an empty one. Without a states list every state name would
// be unknown, so no E0201/E0204 is added for the names used.
state machine "no-states" {  // expect: error[E0210] machine "no-states" has no `states:` list
  initial: DRAFT
  transitions { DRAFT → DONE on "finish" }
}

// An empty list is reported at the brackets. The initial state is then undeclared too,
// but the state names in transitions are not reported one by one.
state machine "empty-states" {
  initial: DRAFT  // expect: error[E0204] initial state `DRAFT` is not declared
  states: []  // expect: error[E0210] machine "empty-states" declares no states
  transitions {
    DRAFT → REVIEWING on "submit"
    REVIEWING → APPROVED on "approve"
  }
}
