// E0103: a closing brace with nothing open.
state machine "extra-brace" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}
}  // expect: error[E0103] unmatched `}`
