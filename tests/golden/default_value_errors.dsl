// Default values of context and payload fields are checked like guards: unknown names
// (E0304), unknown functions (E0302) and bytes literals (E0308) are reported there too. A
// default cannot read `event` at all (E0312, default_not_constant.dsl).
state machine "default-values" {
  context {
    amount: int = ammount  // expect: error[E0304] did you mean `amount`?
    limit: int = lookupLimit("cfo")  // expect: error[E0302] unknown function `lookupLimit`
    token: string = b"secret"  // expect: error[E0308] bytes literals are not supported
    ratio: double = 0.5
  }
  events { "approve" { score: int = event.nope } }  // expect: error[E0312] a default cannot read `event.nope`
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" }
}
