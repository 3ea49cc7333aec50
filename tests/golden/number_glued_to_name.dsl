// E0103: a number with letters right after it (`3x`) in an expression is named as such, where
// it is written, instead of "unexpected" at whatever token the parser trips over next; text
// that `duration("...")` reads but a duration literal does not (`1.5h`, `3ns`) is sent
// there. (After `after`, `3x` is a duration with a unit that does not exist:
// duration_unknown_unit.dsl.)
state machine "glued-name" {
  context { amount: int = 0  x: int = 2 }
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "go" if amount > 3x → notify()  // expect: error[E0103] `3x` is not a number: `x` follows the number `3` without a space
  }
}

state machine "glued-name-then-transition" {
  context { amount: int = 0 }
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "go" if amount > 10k  // expect: error[E0103] to use `k`, put an operator between them (`10 * k`)
    B → C on "next"
  }
}

state machine "fraction" {
  context { wait: duration = 1h }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go" if wait > 1.5h  // expect: error[E0103] `1.5h` is not a duration literal: a literal is whole numbers of ms, s, m, h or d
  }
}

state machine "nanoseconds" {
  context { wait: duration = 1h }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go" if wait > 3ns  // expect: error[E0103] write `duration("3ns")`
  }
}
