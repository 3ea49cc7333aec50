// E0103: newlines mean nothing to the grammar, so a construct cut short at the end of a
// line is only noticed at the next line's first token. The error is reported just after
// the last token of the line that is cut short, and says what was expected after what;
// the parser's follow-on errors for the same mistake are not reported.
state machine "end-of-line" {
  context { reviewers: list<string> }
  quorum: 60%  // expect: error[E0103] expected `of` after `%`
  initial: A
  states: [A, B]
  transitions {
    A → B on approve  // expect: error[E0103] unexpected `approve`
    A → B on "x" → notify  // expect: error[E0103] expected `(` after `notify`
    A → B on "y"
  }
}
