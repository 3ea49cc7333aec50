// E0110: `*` and `[A, B]` sources expand to one transition per state; a machine may have at
// most --max-transitions of them (lowered to 10 here; the default is 100,000). Three
// non-final states make each `*` line three transitions: the fourth line passes ten.
// limit: maxTransitions=10
state machine "expanding" {
  initial: A
  states: [A, B, C, DONE]
  final: [DONE]
  transitions {
    * → DONE on "finish"
    * → A on "restart"
    [A, B] → C on "skip"
    * → B on "back" // expect: error[E0110] more than 10 transitions once `*` and lists expand
    * → C on "never counted"
  }
}
