// Valid: the DESIGN.md language example with every accepted event declared in `events`
// (see pending/design_example_undeclared_events.dsl for the verbatim one). Every section,
// all three source forms, a timer, a guard, built-in and host actions with a compensation,
// and both route forms. No diagnostics.
state machine "expense" {
  version: 3                                  # optional
  context {                                   # typed instance data, optional defaults
    amount: int                               # minor units (cents)
    applicant: string
    reviewers: list<string>
  }
  events {
    "submit", "assignReviewer", "reject", "cancel"
    "approve" { comment: string }             # optional typed payloads: event.comment
  }
  quorum: 60% of reviewers                    # default policy for hasQuorum(); also: 2, all of reviewers
  initial: DRAFT
  states: [DRAFT, SUBMITTED, REVIEWING, APPROVED, REJECTED, ESCALATED]
  final: [APPROVED, REJECTED]                 # optional; default: states with no way out
  transitions {
    DRAFT → SUBMITTED on "submit" → validatePolicy() compensate revokePolicy()
    SUBMITTED → REVIEWING on "assignReviewer" → notifyReviewers()
    REVIEWING → APPROVED on "approve" if amount <= 500000 && hasQuorum() → emit("onApproved")
    REVIEWING → ESCALATED after 48h → notify("cfo")
    [SUBMITTED, REVIEWING] → REJECTED on "reject" → compensate()
    * → REJECTED on "cancel" if event.actor == applicant
  }
  routes {
    "submit" → "validator-service"
    "approve" → "notification-service, audit-service"   # the seed's form; also "a", "b"
    "onApproved" → "notification-service", "audit-service"
  }
}
