// E0306: built-in action arguments of the wrong form, and compensations that are not host
// actions.
state machine "bad-action-arguments" {
  context { amount: int  target: string }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "submit" → emit(target)  // expect: error[E0306] `emit` takes the event name as a string literal
    DRAFT → REVIEWING on "resubmit" → emit("on" + "Submit")  // expect: error[E0306] write e.g. `emit("onApproved")`
    REVIEWING → DONE on "approve" → set("amount", 1)  // expect: error[E0306] `set` takes a context field name first
    REVIEWING → DONE on "reject" → emit("onRejected") compensate undoEmit()  // expect: error[E0306] built-in action `emit` cannot register a compensation
    REVIEWING → DONE on "close" → reserve(amount) compensate emit("onReleased")  // expect: error[E0306] `emit` cannot be a compensation
  }
}
