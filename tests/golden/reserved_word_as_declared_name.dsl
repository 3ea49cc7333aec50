// Reserved words used as names where names are declared are reported as such, and the
// parser keeps going: both mistakes are reported, nothing else.
state machine "reserved-field" {
  context { in: int }  // expect: error[E0103] `in` is a reserved word
  initial: DRAFT
  states: [DRAFT, if, DONE]  // expect: error[E0103] `if` is a reserved word
  transitions { DRAFT → DONE on "finish" }
}
