// A literal that fails to decode (E0109) is reported once: the checks that would judge its
// value (E0211's quorum range, E0307's zero-length timer, E0301's equal delays) skip it
// rather than report the placeholder the compiler could not avoid.
state machine "bad-count" {
  context { reviewers: list<string> }
  quorum: 99999999999999999999  // expect: error[E0109] does not fit in 64 bits
  initial: A
  states: [A, B]
  transitions { A → B on "x" if hasQuorum() }
}

state machine "bad-percent" {
  context { reviewers: list<string> }
  quorum: 99999999999999999999% of reviewers  // expect: error[E0109] does not fit in 64 bits
  initial: A
  states: [A, B]
  transitions { A → B on "x" if hasQuorum() }
}

state machine "bad-timers" {
  initial: A
  states: [A, B]
  final: [B]
  transitions {
    A → B after 99999999999999999999999h  // expect: error[E0109] duration `99999999999999999999999h` is too long
    A → B after 2562047788015h1h  // expect: error[E0109] duration `2562047788015h1h` is too long
  }
}

// Nor does a constant that holds one: neither `hasQuorum(n)`'s count (E0211's "asks for 0")
// nor a default computed from it (E0312's "division by zero") judges the placeholder.
state machine "bad-constants" {
  context {
    x: int = 10 / 99999999999999999999  // expect: error[E0109] does not fit in 64 bits
    y: int = 10 % 99999999999999999999  // expect: error[E0109] does not fit in 64 bits
  }
  initial: A
  states: [A, B]
  transitions { A → B on "go" if hasQuorum(99999999999999999999) }  // expect: error[E0109] does not fit in 64 bits
}
