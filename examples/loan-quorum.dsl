// Loan approval by a credit committee. After automated scoring, a committee of at least
// three reviewers votes: the loan is approved once 60% of the committee has sent
// "approve" (the `quorum:` policy behind hasQuorum()), and declined as soon as more than
// 40% of the committee has sent "decline" (a blocking minority, counted with
// votes("decline", reviewers): declines from outside the committee are recorded, not counted).
// The committee may ask the applicant for documents; an approved offer expires after
// 30 days; disbursement is a saga whose steps are compensated if a later step fails.
state machine "loan-quorum" {
  version: 2
  context {
    principal: int                     # cents
    termMonths: int
    applicant: string
    creditScore: int = 0
    reviewers: list<string>            # the committee assigned to this loan
    riskFlags: list<string>
    conditions: list<string>
  }
  events {
    "submitApplication" { principal: int, termMonths: int }
    "scored" { score: int, flags: list<string> }
    "approve" { comment: string, conditions: list<string> }
    "decline" { reason: string }
    "requestInfo" { question: string }
    "provideInfo" { documents: list<string> }
    "acceptOffer"
    "disburse" { transferRef: string }
    "withdraw"
  }
  quorum: 60% of reviewers
  initial: APPLICATION
  states: [APPLICATION, UNDERWRITING, COMMITTEE, INFO_REQUESTED, APPROVED, OFFER_ACCEPTED,
           DISBURSED, DECLINED, EXPIRED, WITHDRAWN]
  final: [DISBURSED, DECLINED, EXPIRED, WITHDRAWN]
  transitions {
    APPLICATION → UNDERWRITING on "submitApplication"
      if event.principal > 0 && event.principal <= 50000000 && event.termMonths in [12, 24, 36, 60]
      → set(principal, event.principal), set(termMonths, event.termMonths),
        pullCreditReport(applicant) compensate discardCreditReport(applicant)

    // Scoring: hard declines first, then the committee (which needs at least 3 members).
    UNDERWRITING → DECLINED on "scored" if event.score < 580 || event.flags.exists(f, f == "fraud")
      → set(creditScore, event.score), notifyApplicant("declined after scoring")
    UNDERWRITING → COMMITTEE on "scored" if size(reviewers) >= 3
      → set(creditScore, event.score), set(riskFlags, event.flags), notifyCommittee(reviewers)

    // Committee votes. Every reviewer's vote is recorded even while the guard is false.
    COMMITTEE → APPROVED on "approve" if event.actor in reviewers && hasQuorum()
      → set(conditions, event.conditions), emit("loanApproved")
    COMMITTEE → DECLINED on "decline" if event.actor in reviewers && votes("decline", reviewers) * 100 > size(reviewers) * 40
      → notifyApplicant("declined by the credit committee"), emit("loanDeclined")
    COMMITTEE → INFO_REQUESTED on "requestInfo" if event.actor in reviewers && event.question != ""
      → notifyApplicant(event.question)
    COMMITTEE → EXPIRED after 10d → notifyApplicant("no committee decision in 10 days")
    INFO_REQUESTED → COMMITTEE on "provideInfo" if event.actor == applicant && size(event.documents) > 0
      → notifyCommittee(reviewers)
    INFO_REQUESTED → WITHDRAWN after 14d → compensate(), notifyApplicant("withdrawn: documents not provided")

    // Offer and disbursement.
    APPROVED → OFFER_ACCEPTED on "acceptOffer" if event.actor == applicant
      → reserveFunds(principal) compensate releaseFunds(principal)
    APPROVED → EXPIRED after 30d → compensate()
    OFFER_ACCEPTED → DISBURSED on "disburse" if event.transferRef != ""
      → transferFunds(applicant, principal) compensate reverseTransfer(applicant, principal),
        emit("loanDisbursed")

    // The applicant may withdraw at any point before disbursement.
    * → WITHDRAWN on "withdraw" if event.actor == applicant → compensate()
  }
  routes {
    "submitApplication" → "credit-bureau-gateway"
    "loanApproved" → "notification-service", "audit-service"
    "loanDeclined" → "notification-service, audit-service"
    "loanDisbursed" → "ledger-service", "audit-service"
  }
}
