// Valid: both arrow spellings (`→` and `->`) in transitions, actions and routes, mixed
// freely, and the three comment forms. No diagnostics.
# a hash comment at the top level
/* a block comment
   over several lines, with → and -> and "quotes" and // inside */
state machine "arrows" {  // a line comment after code
  initial: DRAFT  # a hash comment after code
  states: [DRAFT, /* inline block comment */ SUBMITTED, APPROVED]
  transitions {
    DRAFT → SUBMITTED on "submit" → validate()
    DRAFT -> SUBMITTED on "resubmit" -> validate()
    SUBMITTED → APPROVED on "approve" -> emit("onApproved")
    SUBMITTED -> APPROVED on "fastTrack" → emit("onApproved")   /* trailing block */
    // a commented-out transition: SUBMITTED → DRAFT on "return"
    # another: SUBMITTED -> DRAFT on "withdraw"
  }
  routes {
    "submit" → "validator-service"
    "onApproved" -> "notification-service", "audit-service"
  }
}
/**/
#
//
