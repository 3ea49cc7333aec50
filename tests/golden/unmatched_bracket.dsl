// E0103: a closing bracket that does not match the innermost open one gets one precise
// diagnostic (with the bracket it fails to close) instead of a cascade of parser errors.
state machine "unmatched" {
  initial: DRAFT
  states: [DRAFT, DONE)  // expect: error[E0103] unmatched `)`
  transitions { DRAFT → DONE on "finish" }
}
