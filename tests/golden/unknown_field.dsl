// E0304: a guard, an action argument or `set` names a context field that is not declared.
// Close names get a did-you-mean; macro variables are only in scope inside their macro.
state machine "unknown-field" {
  context { amount: int  applicant: string  reviewers: list<string> }
  initial: DRAFT
  states: [DRAFT, REVIEWING, DONE]
  transitions {
    DRAFT → REVIEWING on "submit" if ammount > 100  // expect: error[E0304] did you mean `amount`?
    REVIEWING → DONE on "approve" if reviewers.exists(r, r == applicant) && r != ""  // expect: error[E0304] unknown name `r`
    REVIEWING → DONE on "reject" → notify(aplicant)  // expect: error[E0304] did you mean `applicant`?
    REVIEWING → DONE on "close" → set(amout, 0)  // expect: error[E0304] `set` names unknown field `amout`
    REVIEWING → DONE on "archive" if department == "ops"  // expect: error[E0304] declare it in `context { department: TYPE }`
  }
}
