// E0211: quorum policies out of range, or counting a field that is not a `list<string>`;
// `hasQuorum(n)` with a constant n below 1.
// A quorum over an undeclared field is an unknown name (E0304) with a did-you-mean.
state machine "zero-count" {
  quorum: 0  // expect: error[E0211] a quorum of 0 votes would approve without anyone voting
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" if hasQuorum() }
}

state machine "percent-out-of-range" {
  context { reviewers: list<string> }
  quorum: 150% of reviewers  // expect: error[E0211] quorum percentage 150% is outside 1% to 100%
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" if hasQuorum() }
}

state machine "zero-percent" {
  context { reviewers: list<string> }
  quorum: 0% of reviewers  // expect: error[E0211] quorum percentage 0% is outside 1% to 100%
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" if hasQuorum() }
}

state machine "not-a-list" {
  context { reviewer: string }
  quorum: all of reviewer  // expect: error[E0211] quorum counts `reviewer`, but it is not a list
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" if hasQuorum() }
}

state machine "unknown-list" {
  context { reviewers: list<string> }
  quorum: 60% of reviewer  // expect: error[E0304] did you mean `reviewers`?
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" if hasQuorum() }
}

// Voters are actors, which are strings: a list of anything else never holds one.
state machine "list-of-ints" {
  context { levels: list<int> }
  quorum: all of levels  // expect: error[E0211] quorum counts `levels`, a `list<int>`, but voters are actors: it must be a `list<string>`
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" if hasQuorum() }
}

state machine "list-of-lists" {
  context { panels: list<list<string>> }
  quorum: 50% of panels  // expect: error[E0211] a `list<list<string>>`
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" if hasQuorum() }
}

// `hasQuorum(n)` with a constant n below 1 holds before anyone votes; n may be computed
// from literals (`1 - 1`). A count that reads the context is checked when it runs.
state machine "constant-count" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "approve" if hasQuorum(0)  // expect: error[E0211] a quorum needs at least one vote
    DRAFT → DONE on "approve" if hasQuorum(-5)  // expect: error[E0211] but this asks for -5
    DRAFT → DONE on "approve" if hasQuorum(1 - 1)  // expect: error[E0211] but this asks for 0
    DRAFT → DONE on "approve" if hasQuorum(true ? 0 : 2)  // expect: error[E0211] but this asks for 0
    DRAFT → DONE on "approve" if hasQuorum(3 - 1)
    DRAFT → DONE on "approve" if hasQuorum(1)
  }
}
