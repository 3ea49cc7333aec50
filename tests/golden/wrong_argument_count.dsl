// E0303: functions, macros, built-in actions and host actions called with the wrong
// number (or form) of arguments. A host action has one signature across the machine.
state machine "wrong-arity" {
  context { amount: int  applicant: string  reviewers: list<string> }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "a" if hashBucket(applicant) == 1  // expect: error[E0303] `hashBucket` takes 2 arguments, but 1 was given
    DRAFT → REVIEWING on "b" if hasQuorum(2, 3)  // expect: error[E0303] `hasQuorum` takes at most 1 argument, but 2 were given
    DRAFT → REVIEWING on "c" if applicant.startsWith()  // expect: error[E0303] the signature is `string.startsWith(s: string) -> bool`
    DRAFT → REVIEWING on "d" if reviewers.all(r)  // expect: error[E0303] macro `all` takes 2 arguments, but 1 was given
    DRAFT → REVIEWING on "e" if reviewers.map(r, r, r, r).size() > 0  // expect: error[E0303] macro `map` takes 2 or 3 arguments
    DRAFT → REVIEWING on "f" if reviewers.exists("r", true)  // expect: error[E0303] the first argument of `exists` must be a variable name
    DRAFT → REVIEWING on "g" if has(applicant)  // expect: error[E0303] `has` takes one field selection
    DRAFT → REVIEWING on "h" → emit()  // expect: error[E0303] `emit` takes 1 argument, but 0 were given
    DRAFT → REVIEWING on "i" → set(amount)  // expect: error[E0303] write `set(field, value)`
    DRAFT → REVIEWING on "j" → compensate(1)  // expect: error[E0303] `compensate` takes 0 arguments, but 1 was given
    REVIEWING → DONE on "k" → notify(applicant)
    REVIEWING → DONE on "l" → notify(applicant, "urgent")  // expect: error[E0303] host action `notify` is called with 2 arguments here but 1 elsewhere
  }
}
