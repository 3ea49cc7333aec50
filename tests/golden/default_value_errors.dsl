// Default values of context and payload fields are checked like guards: unknown names
// (E0304), unknown functions (E0302), bytes literals (E0308) and unknown event fields
// (E0305) are reported there too.
state machine "default-values" {
  context {
    amount: int = ammount  // expect: error[E0304] did you mean `amount`?
    limit: int = lookupLimit("cfo")  // expect: error[E0302] unknown function `lookupLimit`
    token: string = b"secret"  // expect: error[E0308] bytes literals are not supported
    ratio: double = 0.5
  }
  events { "approve" { score: int = event.nope } }  // expect: error[E0305] event has no field `nope`
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" }
}
