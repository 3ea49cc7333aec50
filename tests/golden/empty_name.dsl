// E0213: empty machine, event, emitted-event and route-target names.
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
  }
}
