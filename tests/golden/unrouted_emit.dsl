// W0405: an emitted event goes only to the targets its route names; it is not applied to
// the instance, so an `emit` whose event no route names does nothing at all. Each such event
// is reported once, at its first emit; a routed one is fine.
state machine "unrouted-emit" {
  initial: DRAFT
  states: [DRAFT, REVIEWING, APPROVED, REJECTED]
  transitions {
    DRAFT → REVIEWING on "submit" → emit("onSubmitted")
    REVIEWING → APPROVED on "approve" → emit("onApproved")  // expect: warning[W0405] `emit("onApproved")` sends the event nowhere: no route names "onApproved"
    REVIEWING → REJECTED on "reject" → emit("onApproved"), emit("onRejected")  // expect: warning[W0405] route it (`"onRejected" → "audit-service"` in `routes`)
    APPROVED → REVIEWING on "reopen"
  }
  routes {
    "onSubmitted" → "audit-service"
  }
}
