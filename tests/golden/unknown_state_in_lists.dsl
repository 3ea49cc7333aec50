// E0201: unknown states in a list source and in `final:`, each with a did-you-mean when a
// declared state is close; a name with no close match gets a hint to declare it.
state machine "unknown-in-lists" {
  initial: DRAFT
  states: [DRAFT, SUBMITTED, APPROVED, REJECTED]
  final: [APPROVED, REJECETD]  // expect: error[E0201] did you mean `REJECTED`?
  transitions {
    DRAFT → SUBMITTED on "submit"
    SUBMITTED → APPROVED on "approve"
    [DRAFT, SUBMMITED] → REJECTED on "reject"  // expect: error[E0201] did you mean `SUBMITTED`?
    SUBMITTED → ARCHIVED on "archive"  // expect: error[E0201] add `ARCHIVED` to `states:`
  }
}
