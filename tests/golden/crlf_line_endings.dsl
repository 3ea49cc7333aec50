// CRLF line endings (this file is written with \r\n): lines are counted the same as with
// LF, including after a triple-quoted string that spans lines, and diagnostics carry the
// right line. A `//` comment ends at \r\n without swallowing the next line.
state machine "crlf" {
  context { note: string }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "submit" if note != """first line
second line"""
    REVIEWING → DNOE on "approve"  // expect: error[E0201] did you mean `DONE`?
    # a hash comment
    /* a block
       comment */
    REVIEWING → DONE on "reject" if nte == ""  // expect: error[E0304] did you mean `note`?
  }
}
