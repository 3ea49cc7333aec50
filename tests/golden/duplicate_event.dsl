// E0208: an event declared twice in `events`, with or without payloads.
state machine "duplicate-event" {
  events {
    "approve" { comment: string }
    "reject"
    "approve" { score: int }  // expect: error[E0208] event "approve" is declared twice
    "reject",  // expect: error[E0208] event "reject" is declared twice
  }
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "approve"
    DRAFT → DONE on "reject"
  }
}
