// E0109: malformed number, string and duration literals. Each is reported where it is,
// in guards and in names alike. A malformed literal does not stop the other checks.
state machine "bad\qname" {  // expect: error[E0109] unknown escape sequence `\q`
  version: 99999999999999999999  // expect: error[E0109] does not fit in 64 bits
  context { amount: int  count: uint  rate: double  note: string  wait: duration }
  initial: DRAFT
  states: [DRAFT, DONE]
  transitions {
    DRAFT → DONE on "a" if amount > 9223372036854775808  // expect: error[E0109] write `9223372036854775808u` for a uint
    DRAFT → DONE on "b" if amount > -9223372036854775809  // expect: error[E0109] below the int minimum
    DRAFT → DONE on "c" if amount > 0x1FFFFFFFFFFFFFFFF  // expect: error[E0109] does not fit in 64 bits
    DRAFT → DONE on "d" if count > 18446744073709551616u  // expect: error[E0109] above the uint maximum
    DRAFT → DONE on "e" if rate > 1e999  // expect: error[E0109] double literal `1e999` is too large
    DRAFT → DONE on "f" if note == "\x4"  // expect: error[E0109] `\x` must be followed by two hex digits
    DRAFT → DONE on "g" if note == "\u12"  // expect: error[E0109] `\u` must be followed by 4 hex digits
    DRAFT → DONE on "h" if note == "\uD800"  // expect: error[E0109] `\uD800` is half of a surrogate pair
    DRAFT → DONE on "i" if note == "\U00110000"  // expect: error[E0109] is not a Unicode scalar value
    DRAFT → DONE on "j" if wait > 9999999999999999999999h  // expect: error[E0109] duration `9999999999999999999999h` is too long
    DRAFT → DONE on "k" if wait > 2562047788015h1h  // expect: error[E0109] duration `2562047788015h1h` is too long
    DRAFT → DONE on "l\z"  // expect: error[E0109] unknown escape sequence `\z`
    // Durations are int64 nanoseconds once evaluated, so about 292 years at most.
    DRAFT → DONE on "m" if wait > 3000000h  // expect: error[E0109] a duration is at most 2562047h47m16s854ms
    DRAFT → DONE on "n" if wait > 2562047h47m16s855ms  // expect: error[E0109] duration `2562047h47m16s855ms` is too long
    DRAFT → DONE after 106752d  // expect: error[E0109] duration `106752d` is too long
  }
}

// A section's number is an int, and a uint literal is no number there: its help says the bound.
state machine "big-version" {
  version: 9223372036854775808  // expect: error[E0109] a section's number is an int: at most 9223372036854775807
  quorum: 9223372036854775808  // expect: error[E0109] above the int maximum 9223372036854775807
  initial: A
  states: [A]
}
