// E0204: the initial state is not in `states:`; a close declared name is suggested,
// otherwise the help says to declare it.
state machine "typo-initial" {
  initial: DRAFTT  // expect: error[E0204] did you mean `DRAFT`?
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}

state machine "undeclared-initial" {
  initial: NEW  // expect: error[E0204] initial state `NEW` is not declared in `states:`
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}
