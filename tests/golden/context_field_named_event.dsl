// E0206: a context field cannot be named `event`: in a guard `event` always means the event
// being applied, so the field would be unreachable (`event.k` below is the event's field).
state machine "field-named-event" {
  context {
    event: map<string, string>  // expect: error[E0206] `event` is a built-in name in guards
  }
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "finish" if event.k == "v"  // expect: error[E0305] event has no field `k`
  }
}
