// E0205: two machines with one name (machine names are global). The second is reported;
// both are still checked.
state machine "expense" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}

state machine "expense" {  // expect: error[E0205] machine "expense" is declared twice
  initial: NEW
  states: [NEW, DONE]
  transitions { NEW → DONE on "finish" }
}
