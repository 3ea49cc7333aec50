// W0301: a guarded transition after an unguarded one for the same (state, trigger) can
// never fire: transitions are tried in declaration order and the first that holds wins.
state machine "shadowed" {
  context { amount: int }
  initial: DRAFT
  states: [DRAFT, REVIEWING, APPROVED, REJECTED]
  final: [APPROVED, REJECTED]
  transitions {
    DRAFT → REVIEWING on "submit"
    REVIEWING → APPROVED on "approve"
    REVIEWING → REJECTED on "approve" if amount > 1000  // expect: warning[W0301] this transition from `REVIEWING` on "approve" can never fire
    * → REJECTED on "cancel"
    [DRAFT, REVIEWING] → REJECTED on "cancel" if amount > 0  // expect: warning[W0301] move the guarded transition before the unguarded one
    // Timers compare by length: `2d` and `48h` are the same trigger.
    REVIEWING → REJECTED after 2d
    REVIEWING → APPROVED after 48h if amount < 100  // expect: warning[W0301] this transition from `REVIEWING` after 48h can never fire
  }
}
