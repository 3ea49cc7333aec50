// E0212: a transition leaves a state declared in `final:`, as a single source or in a
// list. A `*` source means every non-final state, so it never leaves a final one.
state machine "leaves-final" {
  initial: DRAFT
  states: [DRAFT, REVIEWING, APPROVED, REJECTED]
  final: [APPROVED, REJECTED]
  transitions {
    DRAFT → REVIEWING on "submit"
    REVIEWING → APPROVED on "approve"
    REVIEWING → REJECTED on "reject"
    APPROVED → REVIEWING on "reopen"  // expect: error[E0212] `APPROVED` is a final state, but this transition leaves it
    [REVIEWING, REJECTED] → DRAFT on "revise"  // expect: error[E0212] remove `REJECTED` from `final:`
    * → REJECTED on "cancel"
  }
}
