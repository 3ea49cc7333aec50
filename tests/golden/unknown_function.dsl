// E0302: a guard calls a function that does not exist (with a did-you-mean), or calls a
// method without a receiver, or a function as a method.
state machine "unknown-function" {
  context { applicant: string  reviewers: list<string> }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "submit" if hasQuorom()  // expect: error[E0302] did you mean `hasQuorum`?
    REVIEWING → DONE on "approve" if startsWith(applicant, "ops-")  // expect: error[E0302] `startsWith` is a method and needs a receiver
    REVIEWING → DONE on "escalate" if applicant.hashBucket(10) == 1  // expect: error[E0302] `hashBucket` is a function, not a method
    REVIEWING → DONE on "close" if lookupLimit(applicant) > 0  // expect: error[E0302] unknown function `lookupLimit`
  }
}
