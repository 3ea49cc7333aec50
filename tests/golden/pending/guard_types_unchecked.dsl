// PENDING (missing feature / missing diagnostics): DESIGN.md says guards are "statically
// typed" and "everything resolves and type-checks at compile time", but no type checking
// happens: every guard below is accepted with zero diagnostics, and
// diagnostic_codes.def has no code for a type error yet. Each commented line should be
// an error once types are checked (code to be decided, e.g. a new E03xx "type mismatch").
state machine "untyped-guards" {
  context {
    amount: int = "hello"       // a string default for an int field
    applicant: string
    approved: bool
    reviewers: list<string>
  }
  events { "approve" { comment: string } }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "a" if amount == "x"            // int == string
    DRAFT → REVIEWING on "b" if amount                   // guard is not bool
    DRAFT → REVIEWING on "c" if applicant + 1 > 2        // string + int
    DRAFT → REVIEWING on "d" if amount.foo == 1          // field selection on an int
    DRAFT → REVIEWING on "e" if reviewers[0] > 3         // string > int
    DRAFT → REVIEWING on "f" if approved && 1            // bool && int
    DRAFT → REVIEWING on "g" if hasQuorum("two")         // hasQuorum(n: int)
    REVIEWING → DONE on "i" → set(amount, "lots")        // set an int field to a string
    REVIEWING → DONE on "j" if 1 / 0 == 1                // constant division by zero
  }
}
