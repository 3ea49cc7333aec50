// E0103: `=` where a guard compares: the help says to write `==`.
state machine "assign" {
  context { a: int = 0 }
  events { "x" }
  initial: A
  states: [A, B]
  final: [B]
  transitions { A → B on "x" if a = 1 }  // expect: error[E0103] to compare, write `==`
}
