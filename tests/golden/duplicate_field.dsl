// E0206: a context field declared twice, a payload field declared twice, and payload
// fields that would hide the built-in `event.actor`, `event.id`, `event.time`.
state machine "duplicate-field" {
  context {
    amount: int
    applicant: string
    amount: double  // expect: error[E0206] field `amount` is declared twice in `context`
  }
  events {
    "approve" {
      comment: string
      comment: string  // expect: error[E0206] field `comment` is declared twice in event "approve"
      actor: string  // expect: error[E0206] `actor` is a built-in field of every event
    }
    "reject" { id: int, time: timestamp }  // expect: error[E0206] `id` is a built-in field expect: error[E0206] `time` is a built-in field
  }
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "approve"
    DRAFT → DONE on "reject"
  }
}
