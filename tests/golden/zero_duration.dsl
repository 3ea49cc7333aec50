// E0307: an `after` timer of zero length, however it is spelled.
state machine "zero-timer" {
  initial: DRAFT
  states: [DRAFT, REVIEWING, ESCALATED, DONE]
  transitions {
    DRAFT → REVIEWING after 0s  // expect: error[E0307] a timer of zero length fires immediately
    REVIEWING → ESCALATED after 0h0m  // expect: error[E0307] give a positive delay
    ESCALATED → DONE after 0ms  // expect: error[E0307] a timer of zero length
    REVIEWING → DONE on "approve"
  }
}
