// W0303: a transition on an undeclared event that is one typo away from a declared event
// (it would otherwise wait for an event no client sends). `events` may list only the
// events with payloads, so an undeclared event with no close match is fine.
state machine "event-typo" {
  events { "submit", "approve" { comment: string } }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "submit"
    REVIEWING → DONE on "aprove"  // expect: warning[W0303] did you mean `approve`?
    REVIEWING → DRAFT on "return"
    REVIEWING → DONE after 48h
  }
}

state machine "no-events-section" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "anything" }
}
