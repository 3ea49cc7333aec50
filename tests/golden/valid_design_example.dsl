// The language example of DESIGN.md and docs/LANGUAGE.md, verbatim: `events` declares only
// the event with a payload, and the other events need no declaration. One warning: its
// `emit("onApproved")` has no route, so the event goes nowhere (W0405).
state machine "expense" {
  version: 3                                  # optional
  context {                                   # typed instance data, optional defaults
    amount: int                               # minor units (cents)
    applicant: string
    reviewers: list<string>
  }
  events { "approve" { comment: string } }    # optional typed payloads: event.comment
  quorum: 60% of reviewers                    # default policy for hasQuorum(); also: 2, all of reviewers
  initial: DRAFT
  states: [DRAFT, SUBMITTED, REVIEWING, APPROVED, REJECTED, ESCALATED]
  final: [APPROVED, REJECTED]                 # optional; default: states with no way out
  transitions {
    DRAFT → SUBMITTED on "submit" → validatePolicy() compensate revokePolicy()
    SUBMITTED → REVIEWING on "assignReviewer" → notifyReviewers()
    REVIEWING → APPROVED on "approve" if amount <= 500000 && hasQuorum() → emit("onApproved")  // expect: warning[W0405] no route names "onApproved"
    REVIEWING → ESCALATED after 48h → notify("cfo")
    [SUBMITTED, REVIEWING] → REJECTED on "reject" → compensate()
    * → REJECTED on "cancel" if event.actor == applicant
  }
  routes {
    "submit" → "validator-service"
    "approve" → "notification-service, audit-service"   # the seed's form; also "a", "b"
  }
}
