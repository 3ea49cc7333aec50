// Guards, `set` values and defaults are statically typed with CEL's rules: no implicit
// numeric conversions, guards are bool, values match their fields.
state machine "typed-guards" {
  context {
    amount: int = "hello"  // expect: error[E0311] `amount` is `int`, but this value is `string`
    rate: double = 1  // expect: error[E0311] CEL converts no numbers implicitly
    level: int = dyn("high")  // expect: error[E0311] the default of `level` computes a value that is not `int`: expected int, got string
    codes: list<string> = dyn([1, 2])  // expect: error[E0311] in a list element: expected string, got int
    limit: int = dyn(7)
    applicant: string
    approved: bool
    reviewers: list<string>
    limits: map<string, int>
  }
  events { "approve" { comment: string } }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "a" if amount == "x"  // expect: error[E0309] `==` cannot take `int` and `string`
    DRAFT → REVIEWING on "b" if amount  // expect: error[E0310] a guard must be `bool`, but this is `int`
    DRAFT → REVIEWING on "c" if applicant + 1 > 2  // expect: error[E0309] `+` cannot take `string` and `int`
    DRAFT → REVIEWING on "d" if amount.foo == 1  // expect: error[E0309] `int` has no fields
    DRAFT → REVIEWING on "e" if reviewers[0] > 3  // expect: error[E0309] `>` cannot take `string` and `int`
    DRAFT → REVIEWING on "f" if approved && 1  // expect: error[E0309] `&&` needs `bool` operands
    DRAFT → REVIEWING on "g" if hasQuorum("two")  // expect: error[E0309] no overload of `hasQuorum` takes `string`
    DRAFT → REVIEWING on "h" if amount + 1.5 > 0  // expect: error[E0309] CEL converts no numbers implicitly: convert one side, e.g. `double(amount) + 1.5`
    DRAFT → REVIEWING on "p" if rate + 1 > 0.0  // expect: error[E0309] CEL converts no numbers implicitly: write `1` as `1.0`
    DRAFT → REVIEWING on "q" if rate % 2.0 > 0.0  // expect: error[E0309] `%` takes an `int` or a `uint` on both sides: convert, e.g. `int(rate) % 2`
    DRAFT → REVIEWING on "r" if amount + rate > 0.0  // expect: error[E0309] e.g. `double(amount) + rate`
    DRAFT → REVIEWING on "s" if 2u * amount > 0  // expect: error[E0309] write `2u` as `2`
    DRAFT → REVIEWING on "t" if hashBucket(applicant, 10u) == 1  // expect: error[E0309] `hashBucket` takes: `hashBucket(string, int)`
    DRAFT → REVIEWING on "u" if size(1) > 0  // expect: error[E0309] `size` takes: `size(string)`, `size(list<T>)`, `size(map<K, V>)`
    DRAFT → REVIEWING on "i" if [1, "two"].size() > 0  // expect: error[E0309] list elements must all have one type
    DRAFT → REVIEWING on "j" if reviewers.all(r, r.size())  // expect: error[E0309] the predicate of `all` must be `bool`
    DRAFT → REVIEWING on "k" if limits["cfo"] > amount && reviewers[0u] == applicant && amount < 2.5
    DRAFT → REVIEWING on "approve" if event.comment.startsWith(1)  // expect: error[E0309] no overload of `startsWith`
    DRAFT → REVIEWING on "m" if approved ? 1 : "one"  // expect: error[E0309] the branches of `?:` have different types
    REVIEWING → DONE on "n" → set(amount, "lots")  // expect: error[E0311] `amount` is `int`, but this value is `string`
    REVIEWING → DONE on "o" if timeInState() > duration("48h") && now() - event.time < 1h → set(rate, double(amount) * 1.5)
  }
}
