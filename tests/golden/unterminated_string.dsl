// E0104: a string literal is not closed on its line. Each one is reported (the string
// runs to the end of its line, so the next line lexes normally).
state machine "unterminated-string" {
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "submit  // expect: error[E0104] string literal is not closed
    REVIEWING → DONE on 'approve  // expect: error[E0104] use triple quotes
  }
}
