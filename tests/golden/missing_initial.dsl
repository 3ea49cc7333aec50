// E0203: no `initial:` section. Reported at the machine name; the help proposes the first
// declared state.
state machine "no-initial" {  // expect: error[E0203] add `initial: DRAFT`
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}
