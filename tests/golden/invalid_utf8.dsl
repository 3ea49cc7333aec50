// E0101: a byte that is not UTF-8 (0xFF) is reported with its line; the file is not lexed further.
state machine "latin1" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT â†’ DONE on "café" }  // expect: error[E0101] invalid UTF-8 byte 0xE9
}
