state machine "unknown-state" {
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVEIWING on "submit"  // expect: error[E0201] did you mean `REVIEWING`?
    REVIEWING → DONE on "approve"
    DRAFT → NOWHERE on "cancel"    // expect: error[E0201] unknown state `NOWHERE`
  }
}
