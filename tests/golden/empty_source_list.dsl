// E0215: a transition whose source list is empty stands for no transition at all.
state machine "empty-source" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "approve"
    [] → DONE on "cancel"  // expect: error[E0215] a source list needs at least one state
  }
}
