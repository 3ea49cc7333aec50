// E0103: a duration glued to letters or digits it cannot take (`1hh`, `5mm`, `1h30x`, `3x`)
// names the unit that does not exist and lists the units, wherever the parser trips over
// it; it is not called too long (E0109 is for durations past the range: duration_range.dsl).
state machine "doubled-hours" {
  initial: A
  states: [A, B]
  transitions {
    A → B after 1hh  // expect: error[E0103] `1hh` is not a duration: `hh` is not a unit
  }
}

state machine "doubled-minutes" {
  initial: A
  states: [A, B]
  transitions {
    A → B after 5mm → notify()  // expect: error[E0103] `5mm` is not a duration: `mm` is not a unit
  }
}

state machine "letter" {
  initial: A
  states: [A, B]
  transitions {
    A → B after 3x  // expect: error[E0103] `3x` is not a duration: `x` is not a unit
  }
}

state machine "second-part" {
  context { wait: duration = 1h }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go" if wait > 1h30x  // expect: error[E0103] `1h30x` is not a duration: `x` is not a unit
  }
}
