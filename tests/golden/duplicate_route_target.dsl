// E0214: a route names one target twice for one event, in one string, as separate strings,
// or on separate route lines (the `routes` blocks are one list). The event would be
// delivered to that target once per mention.
state machine "repeated-target" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" → emit("onApproved") }
  routes {
    "approve" → "audit, audit"  // expect: error[E0214] "audit" is already a target of "approve"
    "onApproved" → "mail", "mail, sms"  // expect: error[E0214] "mail" is already a target of "onApproved"
    "approve" → "sms", "audit"  // expect: error[E0214] remove the repeated target
    "onApproved" → "audit"
  }
}
