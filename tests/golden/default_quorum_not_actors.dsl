// E0211: without `quorum:`, the default is a majority of the context field `reviewers`. A
// `reviewers` that is not a `list<string>` never holds an actor, so `hasQuorum()` would
// never hold: it is refused as `quorum: all of reviewers` over it would be.
state machine "int-ids" {
  context { reviewers: list<int> = [1, 2] }  // expect: error[E0211] the default quorum (no `quorum:` line) counts `reviewers`, a `list<int>`, but voters are actors
  initial: PENDING
  states: [PENDING, APPROVED]
  transitions { PENDING → APPROVED on "approve" if hasQuorum() }
}

state machine "not-a-list" {
  context { reviewers: int = 3 }  // expect: error[E0211] the default quorum (no `quorum:` line) counts `reviewers`, but it is not a list
  initial: PENDING
  states: [PENDING, APPROVED]
  transitions { PENDING → APPROVED on "approve" if hasQuorum() }
}

// `hasQuorum()` anywhere in a guard, however deep, or in an action's argument uses the
// default: still E0211 (default_quorum_unused.dsl: a machine that never calls it is clean).
state machine "nested-use" {
  context { reviewers: string = "ann" }  // expect: error[E0211] the default quorum (no `quorum:` line) counts `reviewers`, but it is not a list
  initial: PENDING
  states: [PENDING, APPROVED]
  transitions { PENDING → APPROVED on "approve" if size(reviewers) > 0 && (true ? hasQuorum() : false) }
}

state machine "action-use" {
  context {
    reviewers: list<int> = [1, 2]  // expect: error[E0211] the default quorum (no `quorum:` line) counts `reviewers`, a `list<int>`, but voters are actors
    quorate: bool = false
  }
  initial: PENDING
  states: [PENDING, APPROVED]
  transitions { PENDING → APPROVED on "approve" → set(quorate, hasQuorum()) }
}

// A `quorum:` line that does not count `reviewers` leaves it free to be anything.
state machine "explicit-count" {
  context { reviewers: list<int> = [1, 2] }
  quorum: 2
  initial: PENDING
  states: [PENDING, APPROVED]
  transitions { PENDING → APPROVED on "approve" if hasQuorum() }
}

state machine "actors" {
  context { reviewers: list<string> = ["ann", "bob"] }
  initial: PENDING
  states: [PENDING, APPROVED]
  transitions { PENDING → APPROVED on "approve" if hasQuorum() }
}
