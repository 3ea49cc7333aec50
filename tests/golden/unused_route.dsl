// W0403: a route for an event that no transition accepts or emits; a close event name
// gets a did-you-mean. Routes for accepted and emitted events are fine.
state machine "unused-route" {
  initial: DRAFT
  states: [DRAFT, APPROVED]
  transitions {
    DRAFT → APPROVED on "approve" → emit("onApproved")
  }
  routes {
    "approve" → "audit-service"
    "onApproved" → "notification-service"
    "aprove" → "audit-service"  // expect: warning[W0403] did you mean `approve`?
    "submit" → "validator-service"  // expect: warning[W0403] route for "submit", which no transition accepts or emits
  }
}
