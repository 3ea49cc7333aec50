// E0106: each prefix `!` or `-` nests one level, so a long run of them is too deep even
// without brackets.
// limit: maxNestingDepth=8
state machine "deep-prefix" {
  context { approved: bool }
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "finish" if !!!!!!!!!!approved  // expect: error[E0106] nesting is deeper than the limit of 8 levels
  }
}
