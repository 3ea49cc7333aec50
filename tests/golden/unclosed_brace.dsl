// E0103: a block that is never closed. Brackets are matched innermost first, so the
// last `}` closes `transitions {` and the machine's own brace is the one reported.
state machine "unclosed" {  // expect: error[E0103] `{` is never closed
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "finish"
}
