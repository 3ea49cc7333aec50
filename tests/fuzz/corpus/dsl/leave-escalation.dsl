// Leave request with escalation. The employee's manager decides; if the manager has not
// decided within 48 hours the request escalates to the skip-level manager (either of them
// may then decide), and after 5 more days without a decision it expires. Short sick leave
// is approved on submit; requests over 10 days also need HR. Booking the leave in the
// HR system is compensated (cancelled) if the request is later cancelled; the request
// is finished when the HR calendar reports that the leave has started.
state machine "leave-escalation" {
  version: 1
  context {
    employee: string
    manager: string
    skipLevelManager: string
    hrPartner: string
    days: int = 0
    leaveType: string = "annual"
    startDate: timestamp
    escalations: int = 0
  }
  events {
    "submit" { days: int, leaveType: string, startDate: timestamp }
    "approve" { comment: string }
    "reject" { reason: string }
    "cancel"
    "leaveStarted"
  }
  initial: DRAFT
  states: [DRAFT, PENDING_MANAGER, ESCALATED, HR_REVIEW, APPROVED, TAKEN, REJECTED, CANCELLED, EXPIRED]
  final: [TAKEN, REJECTED, CANCELLED, EXPIRED]
  transitions {
    // Sick leave of up to 2 days needs no approval; everything else goes to the manager.
    DRAFT → APPROVED on "submit" if event.leaveType == "sick" && event.days > 0 && event.days <= 2
      → set(days, event.days), set(leaveType, "sick"), set(startDate, event.startDate),
        bookLeave(employee, event.days) compensate cancelLeave(employee, event.days),
        emit("leaveApproved")
    DRAFT → PENDING_MANAGER on "submit"
      if event.days > 0 && event.leaveType in ["annual", "sick", "parental", "unpaid"] && event.startDate > now()
      → set(days, event.days), set(leaveType, event.leaveType), set(startDate, event.startDate),
        notify(manager)

    // The manager decides; more than 10 days also needs HR.
    PENDING_MANAGER → APPROVED on "approve" if event.actor == manager && days <= 10
      → bookLeave(employee, days) compensate cancelLeave(employee, days), emit("leaveApproved")
    PENDING_MANAGER → HR_REVIEW on "approve" if event.actor == manager → notify(hrPartner)
    PENDING_MANAGER → REJECTED on "reject" if event.actor == manager && event.reason != ""
      → notify(employee)

    // No decision within 48h: escalate to the skip-level manager.
    PENDING_MANAGER → ESCALATED after 48h
      → set(escalations, escalations + 1), notify(skipLevelManager), emit("leaveEscalated")
    ESCALATED → APPROVED on "approve" if event.actor in [manager, skipLevelManager] && days <= 10
      → bookLeave(employee, days) compensate cancelLeave(employee, days), emit("leaveApproved")
    ESCALATED → HR_REVIEW on "approve" if event.actor in [manager, skipLevelManager] → notify(hrPartner)
    ESCALATED → REJECTED on "reject" if event.actor in [manager, skipLevelManager] && event.reason != ""
      → notify(employee)
    ESCALATED → EXPIRED after 5d → notify(employee)

    // HR has a week for long leave; silence escalates once more, to the skip-level manager.
    HR_REVIEW → APPROVED on "approve" if event.actor == hrPartner
      → bookLeave(employee, days) compensate cancelLeave(employee, days), emit("leaveApproved")
    HR_REVIEW → REJECTED on "reject" if event.actor == hrPartner → notify(employee)
    HR_REVIEW → ESCALATED after 7d if escalations == 0
      → set(escalations, escalations + 1), notify(skipLevelManager), emit("leaveEscalated")
    HR_REVIEW → EXPIRED after 7d → notify(employee)

    // The HR calendar reports the first day of leave; from then on it cannot be cancelled.
    APPROVED → TAKEN on "leaveStarted" → recordLeaveTaken(employee, days)

    // The employee may cancel at any time before the leave starts, even once approved;
    // cancelling an approved request cancels the booking.
    * → CANCELLED on "cancel" if event.actor == employee && now() < startDate → compensate()
  }
  routes {
    "submit" → "hr-calendar"
    "leaveApproved" → "notification-service, payroll-service, audit-service"
    "leaveEscalated" → "notification-service"
    "cancel" → "hr-calendar", "audit-service"
  }
}
