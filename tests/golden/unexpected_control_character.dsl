// E0102: an invisible control character is named by its code point, not printed raw; so are
// zero-width characters, separators, C1 controls and the full-width space an input method types.
state machine "control-character" {
  initial: DRAFT  // expect: error[E0102] unexpected character U+0001
  states: [DRAFT,　DONE]  // expect: error[E0102] unexpected character U+3000
  transitions {
    DRAFT → DONE on "finish"​  // expect: error[E0102] unexpected character U+200B
    DRAFT → DONE on "close"   // expect: error[E0102] unexpected character U+2028
    DONE → DRAFT on "reopen"  // expect: error[E0102] unexpected character U+0085
  }
}
