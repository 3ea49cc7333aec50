// `event` is read field by field (`event.p`, `has(event.p)`), so that each field is checked
// against the event's declaration. As a whole value it would have no static type, and
// `event["zz"]` or `votes(event)` could only fail at run time: E0308.
state machine "ev" {
  events { "go" { p: string, n: int } }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go" if votes(event) > 1  // expect: error[E0308] `event` cannot be used as a whole value
    A → B on "go" if event["zz"] == "x"  // expect: error[E0308] write `event.zz`
    A → B on "go" if event["n"] == "x"  // expect: error[E0308] write `event.n`
    A → B on "go" if size(event) > 0  // expect: error[E0308] `votes` takes an event's name
    A → B after 1h if event["actor"] == "timer"  // expect: error[E0308] a timer transition has only `event.id` and `event.time`
    A → B on "go" if event.p == "x" && has(event.n) && votes("go") > 1 && [1].all(event, event > 0)
  }
}
