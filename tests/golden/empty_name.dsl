// E0213: empty machine, event, emitted-event, routed-event and route-target names.
state machine "" {  // expect: error[E0213] machine name is empty
  events { "", "finish" }  // expect: error[E0213] event name is empty
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on ""  // expect: error[E0213] event name is empty
    DRAFT → DONE on "finish" → emit("")  // expect: error[E0213] emitted event name is empty
  }
  routes {
    "finish" → "audit-service, "  // expect: error[E0213] remove the stray comma
    "finish" → ""  // expect: error[E0213] route target name is empty
    "" → "audit-service"  // expect: error[E0213] routed event name is empty
  }
}

// An empty name is never offered as a correction: "x" is one edit from `""`, but gets no
// W0303 ("did you mean ``?").
state machine "empty-declared" {
  events { "" }  // expect: error[E0213] event name is empty
  initial: A
  states: [A, B]
  transitions { A → B on "x" }
}
