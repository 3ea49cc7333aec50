// E0202: a state declared twice in `states:`, or listed twice in `final:`.
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
