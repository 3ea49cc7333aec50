// limit: maxFileBytes=200 expect: error[E0107] is larger than the limit of 200 bytes
// E0107: a file over the input limit is rejected before it is read further; the
// diagnostic is at line 1. (The limit is lowered here; the default is 64 MiB.)
state machine "too-large" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}
