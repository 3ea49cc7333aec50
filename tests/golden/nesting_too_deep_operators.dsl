// E0106: a long operator chain has no brackets but builds a deep expression tree; it is
// stopped by the AST builder, reported once, at the operation that passes the limit.
// limit: maxNestingDepth=8
state machine "deep-chain" {
  context { amount: int }
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "finish" if amount + amount + amount + amount + amount + amount + amount + amount + amount + amount > 1  // expect: error[E0106] expression is nested deeper than the limit of 8 levels
  }
}
