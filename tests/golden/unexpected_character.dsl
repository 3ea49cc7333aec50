// E0102: characters that cannot start any token. Every one in the file is reported,
// not only the first; `&` and `|` get a hint about `&&` and `||`.
state machine "stray-characters" {
  context { amount: int }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "submit" if amount > 1 & amount < 5  // expect: error[E0102] logical operators are written `&&` and `||`
    REVIEWING → DONE on "approve" if amount == 3 | amount == 4  // expect: error[E0102] unexpected character `|`
    REVIEWING → DRAFT on "return" → notify(@reviewer)  // expect: error[E0102] unexpected character `@`
    REVIEWING → DONE on "pay" → charge($amount)  // expect: error[E0102] unexpected character `$`
  }
}
