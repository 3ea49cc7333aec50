// E0207: a single-valued section given twice; only the first is used. `transitions` and
// `routes` blocks may repeat and are concatenated, so they are not reported.
state machine "duplicate-section" {
  version: 1
  context { amount: int }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  final: [DONE]
  transitions { DRAFT → REVIEWING on "submit" }
  routes { "submit" → "validator-service" }
  version: 2  // expect: error[E0207] `version` is given twice
  initial: REVIEWING  // expect: error[E0207] `initial` is given twice
  states: [DRAFT, DONE]  // expect: error[E0207] keep one `states`; only the first is used
  final: [REVIEWING]  // expect: error[E0207] `final` is given twice
  context { note: string }  // expect: error[E0207] `context` is given twice
  transitions { REVIEWING → DONE on "approve" }
  routes { "approve" → "audit-service" }
}

state machine "duplicate-policy-sections" {
  events { "approve" }
  quorum: 2
  initial: DRAFT
  states: [DRAFT, DONE]
  events { "reject" }  // expect: error[E0207] `events` is given twice
  quorum: 3  // expect: error[E0207] `quorum` is given twice
  transitions { DRAFT → DONE on "approve" if hasQuorum() }
}
