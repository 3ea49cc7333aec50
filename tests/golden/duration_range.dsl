// E0109: a duration whose units all exist but that is past the range (106751 days, about
// 292 years, a 64-bit count of nanoseconds) keeps its range message, not an unknown unit's
// (duration_unknown_unit.dsl).
state machine "days" {
  initial: A
  states: [A, B]
  transitions {
    A → B after 106752d  // expect: error[E0109] duration `106752d` is too long: a duration is at most 2562047h47m16s854ms
  }
}

state machine "compound" {
  context { wait: duration = 1h }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go" if wait > 2562047h47m16s855ms  // expect: error[E0109] duration `2562047h47m16s855ms` is too long
  }
}
