// Checking continues past the first error: every independent error in every machine and
// section is reported in one run. Graph warnings are still given for a machine without
// errors (they are skipped only in a machine that has errors, where they would be noise).
state machine "expense" {
  context {
    amount: int
    amount: int  // expect: error[E0206] field `amount` is declared twice
    owner: strin  // expect: error[E0209] did you mean `string`?
  }
  events { "submit", "approve" { comment: string }, "reopen" }
  quorum: 0  // expect: error[E0211] a quorum of 0 votes
  initial: DRAFT
  states: [DRAFT, REVIEWING, APPROVED, REVIEWING]  // expect: error[E0202] state `REVIEWING` is declared twice
  final: [APPROVED]
  transitions {
    DRAFT → REVEIWING on "submit"  // expect: error[E0201] did you mean `REVIEWING`?
    REVIEWING → APPROVED on "approve" if event.comentt != "" && amout < 100  // expect: error[E0305] did you mean `comment`? expect: error[E0304] did you mean `amount`?
    REVIEWING → APPROVED on "approve" → emit(42)  // expect: error[E0306] `emit` takes the event name as a string literal
    REVIEWING → APPROVED after 0m  // expect: error[E0307] a timer of zero length
    APPROVED → DRAFT on "reopen"  // expect: error[E0212] `APPROVED` is a final state
  }
}

state machine "leave" {
  initial: NEW  // expect: error[E0204] did you mean `NEW_`?
  states: [NEW_, DONE]
  transitions {
    NEW_ → DONE on "approve" if hasQorum()  // expect: error[E0302] did you mean `hasQuorum`?
    NEW_ → DONE on "approve"
    NEW_ → DONE on "approve"  // expect: error[E0301] two unguarded transitions from `NEW_` on "approve"
  }
}

state machine "loan" {
  initial: DRAFT
  states: [DRAFT, APPROVED, LIMBO]  // expect: warning[W0401] state `LIMBO` can never be entered
  transitions { DRAFT → APPROVED on "approve" }
  routes { "aprove" → "audit-service" }  // expect: warning[W0403] did you mean `approve`?
}

state machine "expense" {  // expect: error[E0205] machine "expense" is declared twice
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "finish" → set(total, 1)  // expect: error[E0304] `set` names unknown field `total`
    DRAFT → DONE on "stamp" → set(event, 1)  // expect: error[E0304] `set` cannot assign `event`
  }
}
