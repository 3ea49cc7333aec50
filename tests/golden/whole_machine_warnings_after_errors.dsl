// The whole-machine warnings (W0401, W0402, W0404, W0405) are skipped for a machine that
// has errors, whichever check found them: a broken machine's graph and emits would only
// produce noise. Each machine below would otherwise get W0401 for `C` and W0405 for "done".
state machine "transition-error" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "go" → emit("done")
    A → NOPE on "other"  // expect: error[E0201] unknown state `NOPE`
  }
}

state machine "route-error" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "go" → emit("done")
  }
  routes { "go" → "audit, audit" }  // expect: error[E0214] "audit" is already a target of "go"
}

state machine "literal-error" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "go" → emit("done")
    A → B after 300000d  // expect: error[E0109] is too long
  }
}

// Without errors, both are reported.
state machine "clean" {
  initial: A
  states: [A, B, C]  // expect: warning[W0401] state `C` can never be entered
  transitions {
    A → B on "go" → emit("done")  // expect: warning[W0405] sends the event nowhere
  }
}
