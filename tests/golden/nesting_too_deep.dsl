// E0106: brackets nested deeper than the limit are stopped before parsing, at the first
// token inside too many open brackets. The machine and `transitions` braces count too:
// 2 braces and 7 parentheses make 9 levels. (The limit is lowered here; the default is 256.)
// limit: maxNestingDepth=8
state machine "deep-brackets" {
  context { amount: int }
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "finish" if (((((((amount > 1))))))) // expect: error[E0106] deeper than the limit of 8 levels
  }
}
