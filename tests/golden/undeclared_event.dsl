// W0303: once a machine declares `events { }`, a transition on an event missing from it is
// reported, with a did-you-mean when a declared event is close (a typo would otherwise
// make the transition wait for an event no client sends). Machines without an `events`
// section are not affected.
state machine "event-typo" {
  events { "submit", "approve" { comment: string } }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "submit"
    REVIEWING → DONE on "aprove"  // expect: warning[W0303] did you mean `approve`?
    REVIEWING → DRAFT on "return"  // expect: warning[W0303] event "return" is not declared in `events`
    REVIEWING → DONE after 48h
  }
}

state machine "no-events-section" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "anything" }
}
