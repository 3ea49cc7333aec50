// E0103: a section keyword without its `:`. The message names what was found and
// the label what was expected.
state machine "missing-colon" {
  initial DRAFT  // expect: error[E0103] unexpected `DRAFT`
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}
