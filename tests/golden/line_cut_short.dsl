// E0103: a line that ends in `if`, `,`, `→` or an operator leaves its transition or route
// unfinished, and the grammar, which ignores line ends, reads the next line as its guard,
// action or target. The error is reported at that last token, not in the middle of the next
// line where the parser trips.
state machine "empty-guard" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "x" if  // expect: error[E0103] `if` ends line 9 unfinished, so line 10 was read as its continuation
    B → C on "y"
  }
}

state machine "trailing-comma" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "x" → notify(),  // expect: error[E0103] `,` ends line 18 unfinished
    B → C on "y"
  }
}

state machine "half-a-comparison" {
  context { amount: int }
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "x" if amount >  // expect: error[E0103] `>` ends line 28 unfinished
    B → C on "y"
  }
}

state machine "route-comma" {
  initial: A
  states: [A, B]
  transitions { A → B on "x" }
  routes {
    "x" → "audit",  // expect: error[E0103] `,` ends line 38 unfinished
    "x" → "billing"
  }
}

state machine "list-source" {
  initial: A
  states: [A, B, C]
  transitions {
    A → B on "x" if  // expect: error[E0103] `if` ends line 47 unfinished, so line 48 was read as its continuation
    [A, B] → C on "y"
  }
}
