// Valid: a file that starts with a UTF-8 byte order mark. No diagnostics.
state machine "bom-valid" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}
