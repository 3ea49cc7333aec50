// E0105: a block comment that is never closed is reported where it starts.
state machine "unterminated-comment" {
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}
/* expect: error[E0105] block comment is never closed
   everything up to the end of the file is inside this comment
state machine "hidden" { initial: A states: [A] }
