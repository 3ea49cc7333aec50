// E0103: `if` and CEL's reserved words (`in`, `true`, `false`, `null`) are never names,
// unlike the DSL's soft keywords (see valid_soft_keywords_as_names.dsl).
state machine "reserved-if" {
  initial: DRAFT
  states: [DRAFT, if, DONE]  // expect: error[E0103] `if` is a reserved word
  transitions { DRAFT → DONE on "finish" }
}
state machine "reserved-null" {
  initial: null  // expect: error[E0103] `null` is a reserved word
  states: [DRAFT]
}
