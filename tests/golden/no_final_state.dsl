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

// An explicit empty `final: []` is the same, and then states without a way out are not
// final either: the help says to list some.
state machine "empty-final" {  // expect: warning[W0404] `final: []` declares no final state: list the states where an instance is finished
  initial: OPEN
  states: [OPEN, CLOSED]
  final: []
  transitions { OPEN → CLOSED on "close" }
}
