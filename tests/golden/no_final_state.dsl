// W0404: every state has a way out and no `final:` is declared, so no instance ever
// finishes. Reported at the machine name.
state machine "ping-pong" {  // expect: warning[W0404] machine "ping-pong" has no final state
  initial: PING
  states: [PING, PONG]
  transitions {
    PING → PONG on "hit"
    PONG → PING on "hit"
  }
}

// An explicit empty `final: []` is the same.
state machine "empty-final" {  // expect: warning[W0404] declare `final: [...]`
  initial: OPEN
  states: [OPEN, CLOSED]
  final: []
  transitions { OPEN → CLOSED on "close" }
}
