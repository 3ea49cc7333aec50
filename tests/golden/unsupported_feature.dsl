// E0308: CEL constructs approvalc does not support: bytes literals (b"..." and raw b r'...').
state machine "unsupported" {
  context { token: string }
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "submit" if token == b"secret"  // expect: error[E0308] bytes literals are not supported
    DRAFT → DONE on "resubmit" if [b'\x00', BR'raw'].size() == 2  // expect: error[E0308] use a string literal expect: error[E0308] bytes literals
  }
}
