// E0109: `duration("...")` and `timestamp("...")` of a string literal are converted by the
// compiler, so text they can never convert is reported where it is written (a duration's
// unit named as E0103 does for a duration literal: duration_unknown_unit.dsl) rather than
// failing the guard every time it runs. `duration("...")` takes CEL's units: a day is the
// DSL literal's `d`, not the conversion's.
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

state machine "timestamps" {
  context { since: timestamp = timestamp("2024-01-01T00:00:00Z")  text: string = "2024-01-01T00:00:00Z" }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go" if since < timestamp("2024-02-30T00:00:00Z")  // expect: error[E0109] `2024-02-30T00:00:00Z` is not an RFC 3339 timestamp
    A → B on "late" if since < timestamp("2024-01-02 03:04:05")  // expect: error[E0109] (write 2024-01-02T03:04:05Z)
    B → A on "back" if since < timestamp(text) && since > timestamp("2023-12-31T23:00:00-01:00")
  }
}
