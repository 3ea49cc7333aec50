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

// A timer longer than an unguarded timer of its state never fires: timers are tried in
// order of their delay, and leaving the state cancels the rest. Nothing else enters LATE,
// so it is unreachable too.
state machine "longer-timer" {
  initial: WAITING
  states: [WAITING, ESCALATED, LATE, DONE]  // expect: warning[W0401] state `LATE` can never be entered
  final: [DONE]
  transitions {
    WAITING → DONE on "approve"
    WAITING → LATE after 2h if timeInState() > 90m  // expect: warning[W0301] the unguarded timer after 1h always leaves `WAITING` first
    * → ESCALATED after 1h → emit("escalated")  // expect: warning[W0405] sends the event nowhere
    WAITING → LATE after 1d  // expect: warning[W0301] this transition from `WAITING` after 24h can never fire
    ESCALATED → DONE on "approve"
    LATE → DONE on "approve"
  }
}

// A shorter timer that runs a host action may fail, and a Failed timer is retried while the
// state stays: the longer one can still come due and fire. So can one longer than a guarded
// timer.
state machine "longer-timer-after-fallible" {
  initial: WAITING
  states: [WAITING, ESCALATED, LATE, DONE]
  final: [DONE]
  transitions {
    WAITING → ESCALATED after 1h → notify("cfo")
    WAITING → LATE after 2h
    ESCALATED → LATE after 1h if timeInState() > 30m
    ESCALATED → DONE after 2h
    LATE → DONE on "approve"
  }
}
