// Valid: the CEL subset accepted in guards and action arguments. No diagnostics.
// Operators and precedence, ternaries, `in` with lists and maps, list and map literals,
// member and index access, receiver calls, the macros all/exists/exists_one/map/filter,
// has(), int/uint/double literals, string forms and escapes, durations.
state machine "cel-guards" {
  context {
    amount: int = 0
    limit: uint = 500000u
    rate: double = 0.25
    applicant: string
    department: string = "ops"
    reviewers: list<string>
    scores: list<int>
    limits: map<string, int>
    labels: map<string, string>
    submitted: timestamp
    wait: duration = 48h
    urgent: bool = false
  }
  events {
    "submit" { note: string }
    "approve" { comment: string, score: int }
    "assign"
    "reject"
  }
  initial: DRAFT
  states: [DRAFT, SUBMITTED, REVIEWING, APPROVED, REJECTED]
  final: [APPROVED, REJECTED]
  transitions {
    // arithmetic, comparison, logic, precedence, unary operators
    DRAFT → SUBMITTED on "submit" if amount * 2 + 1 - amount / 3 % 7 >= 0 && !urgent || -amount < 0
    DRAFT → SUBMITTED on "submit" if !!urgent && --amount == amount && (amount > 0) != false
    // ternary, nested ternary (right-associative)
    DRAFT → SUBMITTED on "submit" if (amount > 100 ? "big" : amount > 10 ? "mid" : "small") == "mid"
    // `in` with list literals, map literals and context maps; map and list indexing
    DRAFT → SUBMITTED on "submit" if department in ["ops", "finance",] && "cfo" in limits
    DRAFT → SUBMITTED on "submit" if {"a": 1, "b": 2}["a"] == 1 && limits["cfo"] > amount && scores[0] == 1
    DRAFT → SUBMITTED on "submit" if labels.region == "cn" && has(labels.region) && has(event.note)
    // receiver calls and functions
    DRAFT → SUBMITTED on "submit" if applicant.startsWith("x") && applicant.endsWith("@corp.example")
    DRAFT → SUBMITTED on "submit" if applicant.contains("ops") && applicant.matches("^[a-z]+$") && matches(applicant, "a+")
    DRAFT → SUBMITTED on "submit" if size(applicant) > 0 && applicant.size() < 64 && size(reviewers) == reviewers.size()
    DRAFT → SUBMITTED on "submit" if int(limit) > amount && uint(amount) < limit && double(amount) * rate < 1.5e3
    DRAFT → SUBMITTED on "submit" if string(amount) != "" && bool("true") && int(string(amount)) == amount && dyn(amount) == 1
    DRAFT → SUBMITTED on "submit" if hashBucket(applicant, 100) < 10 && event.note.size() > 0
    // macros, including map with a filter argument, and nesting
    SUBMITTED → REVIEWING on "assign" if reviewers.all(r, r != applicant) && reviewers.exists(r, r.startsWith("lead-"))
    SUBMITTED → REVIEWING on "assign" if reviewers.exists_one(r, r == "cfo") && scores.filter(s, s > 3).size() >= 2
    SUBMITTED → REVIEWING on "assign" if scores.map(s, s * 2).all(d, d < 100) && scores.map(s, s > 0, s + 1)[0] > 1
    SUBMITTED → REVIEWING on "assign" if reviewers.all(r, scores.exists(s, s > size(r)))
    // numbers: uint, hex, doubles with exponents, the int minimum
    REVIEWING → APPROVED on "approve" if limit >= 1u && 0xFFu > 0u && amount != 0x7F && amount > -9223372036854775808
    REVIEWING → APPROVED on "approve" if rate > .5e-3 && rate < 2.0 && rate != 1e10 && 18446744073709551615u > limit
    // strings: escapes, raw, triple-quoted (may span lines), single quotes
    REVIEWING → APPROVED on "approve" if event.comment != "tab\t nl\n quote\" back\\ hex\x41 oct\101 \u00e9 \U0001F600 \a\b\f\r\v\? \`"
    REVIEWING → APPROVED on "approve" if event.comment != r"C:\path\no\escapes" && event.comment != R'\d+'
    REVIEWING → APPROVED on "approve" if event.comment != """a "quoted" word
and a second line""" && event.comment != '''it's''' && event.comment != 'single "double"'
    REVIEWING → APPROVED on "approve" if event.comment != "中文备注" && event.score > 0
    // durations, timestamps, approval functions
    REVIEWING → APPROVED on "approve" if timeInState() > 1h30m && wait < 7d && timeInState() < 250ms + 2562047h47m16s604ms
    REVIEWING → APPROVED on "approve" if now() > submitted && now() - submitted > duration("48h") && timestamp("2024-01-01T00:00:00Z") < now()
    REVIEWING → APPROVED on "approve" if votes("approve") >= 2 && hasQuorum(3) && hasQuorum()
    REVIEWING → APPROVED on "approve" if null == null && true != false && event.time > submitted
    REVIEWING → REJECTED on "reject" if event.actor in reviewers
    REVIEWING → REJECTED after 48h if timeInState() >= wait
  }
  routes { "approve" → "audit-service" }
}
