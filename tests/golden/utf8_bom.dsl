state machine "bom" {  // expect: error[E0203] has no initial state
  // This file starts with a UTF-8 byte order mark (EF BB BF), as Windows editors write
  // it. The BOM is skipped: the machine on line 1 is parsed and diagnostics on line 1 and
  // later carry the usual line numbers.
  states: [DRAFT, DONE]
  transitions { DRAFT → DOEN on "finish" }  // expect: error[E0201] did you mean `DONE`?
}
