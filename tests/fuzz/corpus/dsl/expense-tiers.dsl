// Expense claims with approval tiers by amount. Amounts are integers in cents (minor
// units), so 100.00 is 10000:
//   up to     100.00  approved automatically on submit
//   up to   1,000.00  the applicant's manager approves
//   up to  10,000.00  the manager, then a director
//   above  10,000.00  the manager, a director, then the CFO
// Budget is reserved on submit (and released by compensation if the claim is rejected or
// withdrawn); approvers get a reminder every 72h while a claim waits for them.
state machine "expense-tiers" {
  version: 1
  context {
    amount: int                        # cents
    currency: string = "EUR"
    applicant: string
    costCenter: string
    manager: string
    director: string
    cfo: string
    autoApproveLimit: int = 10000      # 100.00
    managerLimit: int = 100000         # 1,000.00
    directorLimit: int = 1000000       # 10,000.00
    receipts: list<string>
    approvedBy: list<string>
  }
  events {
    "submit" { receiptCount: int }
    "approve" { comment: string }
    "reject" { reason: string }
    "pay" { paymentRef: string }
    "withdraw"
  }
  initial: DRAFT
  states: [DRAFT, MANAGER_REVIEW, DIRECTOR_REVIEW, CFO_REVIEW, APPROVED, PAID, REJECTED, WITHDRAWN]
  final: [PAID, REJECTED, WITHDRAWN]
  transitions {
    // Small claims skip review; anything larger needs receipts and goes to the manager.
    DRAFT → APPROVED on "submit" if amount > 0 && amount <= autoApproveLimit
      → reserveBudget(costCenter, amount) compensate releaseBudget(costCenter, amount),
        emit("expenseApproved")
    DRAFT → MANAGER_REVIEW on "submit" if amount > autoApproveLimit && event.receiptCount > 0 && size(receipts) > 0
      → reserveBudget(costCenter, amount) compensate releaseBudget(costCenter, amount),
        notify(manager)

    // Each tier either approves (the amount is within its limit) or passes the claim up.
    MANAGER_REVIEW → APPROVED on "approve" if event.actor == manager && amount <= managerLimit
      → set(approvedBy, [manager]), emit("expenseApproved")
    MANAGER_REVIEW → DIRECTOR_REVIEW on "approve" if event.actor == manager
      → set(approvedBy, [manager]), notify(director)
    DIRECTOR_REVIEW → APPROVED on "approve" if event.actor == director && amount <= directorLimit
      → set(approvedBy, approvedBy + [director]), emit("expenseApproved")
    DIRECTOR_REVIEW → CFO_REVIEW on "approve" if event.actor == director
      → set(approvedBy, approvedBy + [director]), notify(cfo)
    CFO_REVIEW → APPROVED on "approve" if event.actor == cfo && event.comment != ""
      → set(approvedBy, approvedBy + [cfo]), emit("expenseApproved")

    // Reminders: re-entering the review state re-arms the timer.
    MANAGER_REVIEW → MANAGER_REVIEW after 72h → notify(manager)
    DIRECTOR_REVIEW → DIRECTOR_REVIEW after 72h → notify(director)
    CFO_REVIEW → CFO_REVIEW after 72h → notify(cfo)

    // Any approver in the chain may reject with a reason; the budget reservation is undone.
    [MANAGER_REVIEW, DIRECTOR_REVIEW, CFO_REVIEW] → REJECTED on "reject"
      if event.actor in [manager, director, cfo] && size(event.reason) >= 10
      → compensate(), notify(applicant)

    APPROVED → PAID on "pay" if event.paymentRef.startsWith("PAY-") → recordPayment(event.paymentRef, amount)

    // The applicant may withdraw the claim until it is paid.
    * → WITHDRAWN on "withdraw" if event.actor == applicant → compensate()
  }
  routes {
    "submit" → "budget-service"
    "expenseApproved" → "notification-service, audit-service"
    "reject" → "notification-service", "audit-service"
    "pay" → "ledger-service"
  }
}
