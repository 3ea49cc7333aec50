// E0111: a file may hold at most --max-tokens tokens (lowered to 20 here; the default is
// 4,000,000): the lexer stops there, before the parser builds anything. Comments are not
// tokens.
// limit: maxTokens=20
state machine "long" {
  initial: A
  states: [A, B, C, D, E, F, G, H] // expect: error[E0111] the file has more than 20 tokens
  transitions { A → B on "go" }
}
