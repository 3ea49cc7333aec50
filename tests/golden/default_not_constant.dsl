// E0312: a default (in `context` or in a payload) is computed when the machine is loaded,
// with no context, no event and no instance: it may read none of them, and it must compute
// (the compiler evaluates it, and points at the part that fails).
state machine "defaults" {
  context {
    a: int = 1
    b: int = a + 1  // expect: error[E0312] a default cannot read the context field `a`
    c: string = event.actor  // expect: error[E0312] a default cannot read `event.actor`
    d: timestamp = now()  // expect: error[E0312] a default cannot call `now()`
    e: duration = timeInState()  // expect: error[E0312] a default cannot call `timeInState()`
    f: bool = hasQuorum()  // expect: error[E0312] a default cannot call `hasQuorum()`
    g: int = votes("x")  // expect: error[E0312] a default cannot call `votes()`
    h: string = event["actor"]  // expect: error[E0312] a default cannot read `event`
    r: int = 1 / 0  // expect: error[E0312] the default of `r` fails: division by zero
    s: list<int> = [1, 9223372036854775807 + 1]  // expect: error[E0312] the default of `s` fails
    t: map<string, int> = {"k": 1, "k": 2}  // expect: error[E0312] duplicate map key
    u: duration = duration("soon")  // expect: error[E0312] the default of `u` fails
    fine: list<int> = [1, 2].map(x, x * 2)
    bucket: int = hashBucket("user-1", 4)
    window: duration = duration("1h") + 30m
  }
  events { "go" { by: string = event.actor  when: timestamp = timestamp("2024-01-01T00:00:00Z") } }  // expect: error[E0312] a default cannot read `event.actor`
  initial: A
  states: [A, B]
  transitions { A → B on "go" → set(b, a + 1) }
}
