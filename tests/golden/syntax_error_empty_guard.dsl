// E0103: `if` with no guard after it. `if` is reserved (not a soft keyword), so it cannot
// be read as the start of the next transition; the error is reported right after the
// `if`, on its own line, and says an expression is expected.
state machine "empty-guard" {
  context { amount: int }
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "finish" if  // expect: error[E0103] expected an expression after `if`
  }
}
