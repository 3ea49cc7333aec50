// `has(x.f)` tests a field of a map with string keys (or of `event`): on any other type the
// test could only fail at run time, so it is E0309, as reading `x.f` is.
state machine "has" {
  context { s: string = ""  i: int = 0  b: bool = false  l: list<string>  m: map<string, int>  n: map<string, map<string, int>> }
  events { "note" { note: string } }
  initial: A
  states: [A, B]
  transitions {
    A → B on "a" if has(s.x)  // expect: error[E0309] `string` has no fields, so `has()` cannot test `.x`
    A → B on "b" if has(i.x) || has(b.x) || has(l.x)  // expect: error[E0309] `int` has no fields  expect: error[E0309] `bool` has no fields  expect: error[E0309] `list<string>` has no fields
    A → B on "c" if has(m.x.y)  // expect: error[E0309] `int` has no fields, so `has()` cannot test `.y`
    A → B on "note" if has(m.x) && has(n.x.y) && has(event.note) && has(dyn(s).x)
  }
}
