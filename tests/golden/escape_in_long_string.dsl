// E0109 inside a triple-quoted string is located at the escape, on its own line, not at
// the string's first line.
state machine "escapes" {
  context { note: string = """first line
second line \q // expect: error[E0109] unknown escape sequence
""" }
  events { "go" }
  initial: A
  states: [A, B]
  final: [B]
  transitions { A → B on "go" if note != "x\y" }  // expect: error[E0109] unknown escape sequence `\y`
}
