// E0202: a state declared twice in `states:`, or listed twice in `final:` or in a
// transition's source list.
state machine "duplicate-state" {
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE,
           REVIEWING]  // expect: error[E0202] state `REVIEWING` is declared twice
  final: [DONE, DONE]  // expect: error[E0202] `DONE` is listed twice in `final:`
  transitions {
    DRAFT → REVIEWING on "submit"
    REVIEWING → DONE on "approve"
  }
}

// A source list names each state once: `[A, A]` would be the same transition twice.
state machine "repeated-source" {
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  final: [DONE]
  transitions {
    [DRAFT, DRAFT] → REVIEWING on "submit"  // expect: error[E0202] `DRAFT` is listed twice in this source list
    [REVIEWING, DRAFT, REVIEWING] → DONE on "approve" if true  // expect: error[E0202] `REVIEWING` is listed twice in this source list
  }
}
