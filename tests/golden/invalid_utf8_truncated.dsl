// E0101: a truncated multi-byte sequence (the first byte of a 3-byte character, then ASCII).
// Only the first invalid byte is reported.
state machine "gb18030" {
  initial: DRAFT
  states: [DRAFT, èX, DONE]  // expect: error[E0101] invalid UTF-8 byte 0xE8
  transitions { DRAFT -> DONE on "²Ý¸å" }
}
