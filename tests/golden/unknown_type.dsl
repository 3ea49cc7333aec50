// E0209: type names that are not DSL types, and type arguments of the wrong number or kind.
state machine "unknown-type" {
  context {
    applicant: strng  // expect: error[E0209] did you mean `string`?
    attachment: bytes  // expect: error[E0209] bytes are not supported in approval machines
    reviewers: list  // expect: error[E0209] `list` takes 1 type argument, not 0
    limits: map<string>  // expect: error[E0209] `map` takes 2 type arguments, not 1
    scores: map<int, int>  // expect: error[E0209] map keys must be `string`
    amount: int<string>  // expect: error[E0209] `int` takes no type arguments
    nested: list<list<money>>  // expect: error[E0209] unknown type `money`
    submitted: Timestamp  // expect: error[E0209] did you mean `timestamp`?
  }
  events { "approve" { comment: text } }  // expect: error[E0209] unknown type `text`
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "approve" }
}
