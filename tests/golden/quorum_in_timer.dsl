// E0313: `hasQuorum()` counts the distinct actors that sent the event being applied; a
// timer applies no event, so in a timer transition it can never hold. `votes("name")`
// counts the votes recorded in the state, and works there.
state machine "hq" {
  initial: A
  states: [A, B, C]
  final: [B, C]
  transitions {
    A → C on "approve" if 1 == 2
    A → B after 1h if hasQuorum(1)  // expect: error[E0313] counts the votes of the current event, and a timer has none
    A → B after 2h if hasQuorum()  // expect: error[E0313] e.g. `votes("approve") >= 2`
    A → B after 3h → notify(hasQuorum())  // expect: error[E0313]
    A → B after 4h if votes("approve") >= 1 && timeInState() > 1h && event.time < now()
  }
}
