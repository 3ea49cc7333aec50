// No E0211 for the default quorum where it is never used: only `hasQuorum()` with no count
// reads it. A machine that never asks for it may declare a `reviewers` field of any type (it
// compiled before E0211 learnt of the default quorum). Without errors, so that the IR of
// these machines is also checked to load (tests/unit/ir_verify_test.cpp).

state machine "reviewer-count" {
  context { reviewers: int = 3 }
  initial: PENDING
  states: [PENDING, APPROVED]
  transitions { PENDING → APPROVED on "approve" if reviewers > 0 }
}

// Counting votes without the policy: `votes(...)` and `hasQuorum(n)` count actors themselves.
state machine "reviewer-ids" {
  context { reviewers: list<int> = [1, 2] }
  initial: PENDING
  states: [PENDING, APPROVED]
  transitions {
    PENDING → APPROVED on "approve" if votes("approve") >= 2
    PENDING → APPROVED on "approve" if hasQuorum(2)
  }
}
