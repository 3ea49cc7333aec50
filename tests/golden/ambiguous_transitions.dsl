// E0301: two unguarded transitions for one (state, trigger). Also found through list and
// `*` sources, and for timers of the same length written differently (1h30m == 90m; the
// message spells the delay in normalised form).
state machine "ambiguous" {
  initial: DRAFT
  states: [DRAFT, REVIEWING, APPROVED, REJECTED, ESCALATED]
  final: [APPROVED, REJECTED]
  transitions {
    DRAFT → REVIEWING on "submit"
    DRAFT → REJECTED on "submit"  // expect: error[E0301] two unguarded transitions from `DRAFT` on "submit"
    REVIEWING → APPROVED on "approve"
    [DRAFT, REVIEWING] → APPROVED on "approve"  // expect: error[E0301] two unguarded transitions from `REVIEWING` on "approve"
    REVIEWING → ESCALATED after 1h30m
    REVIEWING → REJECTED after 90m  // expect: error[E0301] two unguarded transitions from `REVIEWING` after 1h30m
    ESCALATED → REJECTED on "cancel"
    * → REJECTED on "cancel"  // expect: error[E0301] two unguarded transitions from `ESCALATED` on "cancel"
  }
}
