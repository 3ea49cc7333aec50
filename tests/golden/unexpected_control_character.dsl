// E0102: an invisible control character is named by its code point, not printed raw.
state machine "control-character" {
  initial: DRAFT  // expect: error[E0102] unexpected character U+0001
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}
