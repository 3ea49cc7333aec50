// E0109: `duration("...")` of a string literal is converted by the compiler, so text it can
// never convert is reported where it is written, naming the unit as E0103 does for a duration
// literal (duration_unknown_unit.dsl), rather than failing the guard every time it runs.
// `duration("...")` takes CEL's units: a day is the DSL literal's `d`, not the conversion's.
state machine "conversions" {
  context { wait: duration = 1h  text: string = "1h" }
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "go" if wait > duration("1hh")  // expect: error[E0109] `1hh` is not a duration: `hh` is not a unit; the units are ns, us
    A → C on "week" if wait > duration("7d")  // expect: error[E0109] `7d` is not a duration: `d` is not a unit
    B → C on "soon" if wait < duration("soon")  // expect: error[E0109] `soon` is not a duration (write 48h, 1h30m or 3600s)
    B → A on "back" if wait > duration("1h30m") && wait < duration(text) → set(wait, duration("90m"))
  }
}
