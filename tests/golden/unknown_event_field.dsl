// E0305: `event.X` where X is neither built in (actor, id, time) nor a declared payload
// field of the transition's event. Timer transitions have no payload and no actor.
// `has(event.X)` is checked the same way.
state machine "unknown-event-field" {
  context { applicant: string }
  events { "submit", "approve" { comment: string  score: int }, "reject", "close" }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "submit" if event.actor == applicant && event.id != ""
    REVIEWING → DONE on "approve" if event.commnet != ""  // expect: error[E0305] did you mean `comment`?
    REVIEWING → DONE on "reject" if event.comment != ""  // expect: error[E0305] event has no field `comment`
    REVIEWING → DONE on "close" → notify(event.reason)  // expect: error[E0305] event has no field `reason`
    REVIEWING → DONE after 48h if event.score > 1  // expect: error[E0305] a timer transition has only `event.id` and `event.time`
    REVIEWING → DONE after 72h if event.actor != applicant  // expect: error[E0305] event has no field `actor`
    DRAFT → DONE after 24h → notify(event.actor)  // expect: error[E0305] a timer transition has only `event.id` and `event.time`
    REVIEWING → DONE on "approve" if has(event.coment)  // expect: error[E0305] did you mean `comment`?
  }
}
