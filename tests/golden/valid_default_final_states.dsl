// Valid: without `final:`, the final states are those with no transition out of them
// (here APPROVED and CANCELLED). `*` means every non-final state, so `* → CANCELLED`
// covers DRAFT and REVIEWING only, and the `*` transition itself does not make
// CANCELLED non-final. No diagnostics.
state machine "default-finals" {
  initial: DRAFT
  states: [DRAFT, REVIEWING, APPROVED, CANCELLED]
  transitions {
    DRAFT → REVIEWING on "submit"
    REVIEWING → APPROVED on "approve"
    REVIEWING → DRAFT on "return"
    * → CANCELLED on "cancel"
  }
}
