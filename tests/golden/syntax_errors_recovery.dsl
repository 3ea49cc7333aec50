// E0103: the parser recovers after a syntax error and reports later ones too, in the
// same machine and in the next machine. (Sema is skipped for a file with syntax errors.)
state machine "first" {
  context { amount int }  // expect: error[E0103] unexpected `int`
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "a" if amount > → notify()  // expect: error[E0103] unexpected `→`
    DRAFT → DONE on "b" if amount >> 1  // expect: error[E0103] unexpected `>`
    DRAFT → DONE on "c" → notify(,)  // expect: error[E0103] unexpected `,`
  }
  routes { "submit" → }  // expect: error[E0103] unexpected `}`
}

state machine "second" {
  version: "3"  // expect: error[E0103] unexpected `"3"`
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions { DRAFT → DONE on "finish" }
}
