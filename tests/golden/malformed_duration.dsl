// E0103: a timer's duration with an unknown unit, or with its parts apart, is named as a
// duration, with its units in the help, instead of "unexpected `1`".
state machine "unknown-unit" {
  initial: A
  states: [A, B]
  transitions {
    A → B after 1ns  // expect: error[E0103] `1ns` is not a duration: `ns` is not a unit
  }
}

state machine "parts-apart" {
  initial: A
  states: [A, B]
  transitions {
    A → B after 1h 30m  // expect: error[E0103] a duration's parts are written together: `1h30m`, not `1h 30m`
  }
}
