// `approvalc run`: simulating one instance from a JSON-lines events file on a virtual clock.
#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "cli_support.h"
#include "support/expression_bomb.h"

using namespace cli;
using namespace std::string_literals;

namespace {

const char* const kTimedMachine = R"(state machine "timed" {
  context { amount: int  approvers: list<string> = [] }
  events { "submit" { amount: int }  "approve" }
  initial: DRAFT
  states: [DRAFT, REVIEW, ESCALATED, DONE]
  final: [DONE]
  transitions {
    DRAFT → REVIEW on "submit" if event.amount > 0 → set(amount, event.amount), hold(event.amount) compensate unhold(event.amount), ping()
    REVIEW → DONE on "approve" if hasQuorum(2) → set(approvers, [event.actor]), emit("done")
    REVIEW → ESCALATED after 48h → ping()
    ESCALATED → DONE on "approve"
  }
  routes { "done" → "audit" }
}
)";

/// `approvalc run` of the timed machine, its amount 0, over `events` (written to `dir` as
/// events.jsonl), with `extra` arguments after the usual ones.
ProcessResult runTimed(const TempDir& dir, const std::string& events, const std::vector<std::string>& extra = {}) {
  const auto dsl = dir.write("timed.dsl", kTimedMachine);
  const auto context = dir.write("context.json", R"({"amount": 0})");
  const auto eventsFile = dir.write("events.jsonl", events);
  std::vector<std::string> args{"run", dsl.string(), "--events", eventsFile.string(), "--context", context.string()};
  args.insert(args.end(), extra.begin(), extra.end());
  return approvalc(args);
}

std::vector<nlohmann::json> jsonLines(const std::string& text) {
  std::vector<nlohmann::json> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    INFO(line);
    REQUIRE_NOTHROW(lines.push_back(nlohmann::json::parse(line)));
  }
  return lines;
}

}  // namespace

TEST_CASE("run: the seed example runs to APPROVED with a trace of every answer") {
  TempDir dir;
  const auto events = dir.write("seed.jsonl",
                                "{\"id\": \"e1\", \"name\": \"submit\", \"actor\": \"ann\"}\n"
                                "{\"id\": \"e2\", \"name\": \"assignReviewer\", \"actor\": \"bob\"}\n"
                                "{\"id\": \"e2\", \"name\": \"assignReviewer\", \"actor\": \"bob\"}\n"
                                "{\"id\": \"e3\", \"name\": \"approve\", \"actor\": \"carol\"}\n");
  const auto result = approvalc({"run", sharedSeedPath().string(), "--events", events.string()});
  REQUIRE_EXIT(result, kExitSuccess);
  CHECK(contains(result.out, "line 1: submit by ann → Transitioned DRAFT → SUBMITTED"));
  CHECK(contains(result.out, "    action validatePolicy()"));
  CHECK(contains(result.out, "    route validator-service <- submit"));
  CHECK(contains(result.out, "line 3: assignReviewer by bob → Duplicate: event `e2` was already applied"));
  CHECK(contains(result.out, "line 4: approve by carol → Transitioned REVIEWING → APPROVED"));
  CHECK(contains(result.out, "    route audit-service <- approve"));
  CHECK(contains(result.out, "final state: APPROVED (final)"));
  // The interpreter gives the same trace.
  const auto interpreted = approvalc({"run", sharedSeedPath().string(), "--events", events.string(), "--no-jit"});
  REQUIRE_EXIT(interpreted, kExitSuccess);
  CHECK(interpreted.out == result.out);
}

TEST_CASE("run: timers fire when the clock advances, jsonl traces, votes and quorum") {
  TempDir dir;
  const auto result = runTimed(dir,
                               "{\"name\": \"submit\", \"actor\": \"ann\", \"payload\": {\"amount\": 50}}\n"
                               "{\"name\": \"approve\", \"actor\": \"rita\"}\n"
                               "{\"name\": \"approve\", \"actor\": \"rita\"}\n"
                               "\n"
                               "{\"advance\": \"47h\"}\n"
                               "{\"advance\": \"2h\"}\n"
                               "{\"name\": \"approve\", \"actor\": \"boss\", \"time\": \"2024-01-05T00:00:00Z\"}\n",
                               {"--format", "jsonl"});
  REQUIRE_EXIT(result, kExitSuccess);
  const auto lines = jsonLines(result.out);
  REQUIRE(lines.size() == 6);  // 3 events, 1 timer, 1 event, the final line
  CHECK(lines[0]["answer"] == "Transitioned");
  CHECK(lines[0]["effects"] == nlohmann::json::array({"action hold(50)", "action ping()"}));
  CHECK(lines[1]["answer"] == "Stayed");
  CHECK(lines[2]["answer"] == "Stayed");  // the same reviewer twice is one vote
  CHECK(lines[3]["event"] == "timer (clock +2h)");
  CHECK(lines[3]["line"] == 6);
  CHECK(lines[3]["to"] == "ESCALATED");
  CHECK(lines[4]["to"] == "DONE");
  CHECK(lines[5]["final"]["state"] == "DONE");
  CHECK(lines[5]["final"]["context"]["amount"] == 50);
}

TEST_CASE("run: --fail-action shows the failure and its compensations") {
  TempDir dir;
  const auto result =
      runTimed(dir, "{\"name\": \"submit\", \"payload\": {\"amount\": 7}}\n", {"--fail-action", "ping"});
  REQUIRE_EXIT(result, kExitSuccess);
  CHECK(contains(result.out, "line 1: submit by anonymous → Failed in DRAFT: `ping` failed by --fail-action"));
  CHECK(contains(result.out, "compensations: compensation of unhold"));
  CHECK(contains(result.out, "    compensation unhold(7)"));
  CHECK(contains(result.out, "final state: DRAFT"));
}

TEST_CASE("run: an advance with a misspelt unit names the unit and only one past the range is told the range") {
  TempDir dir;
  const auto result = runTimed(dir,
                               "{\"advance\": \"1hh\"}\n"
                               "{\"advance\": \"5mm\"}\n"
                               "{\"advance\": \"3x\"}\n"
                               "{\"advance\": \"1h30q\"}\n"
                               "{\"advance\": \"9999999d\"}\n"
                               "{\"advance\": \"-9999999h\"}\n"
                               "{\"advance\": \"1.5d\"}\n");
  REQUIRE_EXIT(result, kExitInputErrors);
  const std::string path = (dir.path() / "events.jsonl").string();
  const std::string units = "is not a unit; the units are ns, us (or \xC2\xB5s), ms, s, m, h and d (write 48h";
  CHECK(contains(result.err, path + ":1: error: `1hh` is not a duration: `hh` " + units));
  CHECK(contains(result.err, path + ":2: error: `5mm` is not a duration: `mm` " + units));
  CHECK(contains(result.err, path + ":3: error: `3x` is not a duration: `x` " + units));
  CHECK(contains(result.err, path + ":4: error: `1h30q` is not a duration: `q` " + units));
  CHECK_FALSE(contains(result.err, "`1hh` is not a duration of at most 292 years"));
  CHECK(contains(result.err, path + ":5: error: `9999999d` is not a duration of at most 292 years, 106751d"));
  CHECK(contains(result.err, path + ":6: error: `-9999999h` is not a duration of at most 292 years, 106751d"));
  CHECK(contains(result.err, path + ":7: error: `1.5d` is not a duration: `d` takes whole days"));
  CHECK(contains(result.err, "approvalc: 7 bad input lines skipped; the others ran"));
}

TEST_CASE("run: bad lines are reported with their line numbers, the good ones still run") {
  TempDir dir;
  const auto result = runTimed(dir,
                               "{\"name\": \"submit\", \"payload\": {\"amount\": 5}}\n"
                               "not json\n"
                               "[1, 2]\n"
                               "{\"actor\": \"x\"}\n"
                               "{\"advance\": \"soon\"}\n"
                               "{\"name\": \"approve\", \"payload\": {\"nope\": 1}}\n"
                               "{\"name\": \"approve\", \"time\": \"yesterday\"}\n"
                               "{\"name\": \"approve\", \"actor\": \"a\"}\n"
                               "{\"advance\": \"1h + 2h\"}\n"s +
                               // Ten nested macros: 10^10 evaluations, were the text evaluated.
                               "{\"advance\": \"" + approval::test::macroBomb(10) + "\"}\n" +
                               "{\"advance\": \"9999999d\"}\n");
  const auto events = dir.path() / "events.jsonl";
  REQUIRE_EXIT(result, kExitInputErrors);
  const std::string path = events.string();
  // Text that is no duration at all is not told it is too long; a number of days past the
  // range is.
  CHECK(contains(result.err, path + ":9: error: `1h + 2h` is not a duration (write 48h, 1h30m or 3600s)"));
  CHECK(contains(result.err, path + ":5: error: `soon` is not a duration (write 48h, 1h30m or 3600s)"));
  CHECK(contains(result.err, path + ":11: error: `9999999d` is not a duration of at most 292 years, 106751d"));
  CHECK(contains(result.err, path + ":10: error: `[0,1,2,3,4,5,6,7,8,9].all(v9, [0,1,2,3,4,5,6,7,8,9].all(v...` "
                                    "is not a duration"));
  CHECK(contains(result.err, path + ":2: error: not valid JSON"));
  CHECK(contains(result.err, path + ":3: error: each line must be a JSON object"));
  CHECK(contains(result.err, path + ":4: error: an event needs \"name\""));
  CHECK(contains(result.err, path + ":5: error: `soon` is not a duration"));
  CHECK(contains(result.err, path + ":6: error: event `approve` has no field `nope` (its fields: none)"));
  CHECK(contains(result.err, path + ":7: error: `yesterday` is not an RFC 3339 timestamp"));
  CHECK(contains(result.err, "approvalc: 9 bad input lines skipped; the others ran"));
  CHECK(contains(result.out, "line 1: submit by anonymous → Transitioned DRAFT → REVIEW"));
  CHECK(contains(result.out, "line 8: approve by a → Stayed in REVIEW"));
}

TEST_CASE("run: every key of a line is checked, and the clock stays within a timestamp's range") {
  TempDir dir;
  const auto result = runTimed(dir,
                               "{\"id\": 7, \"name\": \"submit\", \"payload\": {\"amount\": 5}}\n"
                               "{\"name\": \"submit\", \"actor\": [\"ann\"]}\n"
                               "{\"name\": \"submit\", \"paylod\": {\"amount\": 5}}\n"
                               "{\"name\": \"submit\", \"payload\": [5]}\n"
                               "{\"advance\": \"1h\", \"name\": \"submit\"}\n"
                               "{\"advance\": \"-1h\"}\n"
                               "{\"name\": \"submit\", \"time\": \"9999-12-31T23:59:59Z\"}\n"
                               "{\"advance\": \"106751d\"}\n"
                               "{\"name\": \"submit\", \"payload\": {\"amount\": " +
                                   std::string(100'000, '[') + std::string(100'000, ']') + "}}\n" +
                               "{\"id\": \"s\", \"name\": \"submit\", \"payload\": {\"amount\": 5}}\n");
  const auto events = dir.path() / "events.jsonl";
  REQUIRE_EXIT(result, kExitInputErrors);
  const std::string path = events.string();
  CHECK(contains(result.err, path + ":1: error: \"id\" must be a string, not number 7"));
  CHECK(contains(result.err, path + ":2: error: \"actor\" must be a string, not array [\"ann\"]"));
  CHECK(contains(result.err, path + ":3: error: unknown key `paylod`: an event line takes id, name, actor, time, "
                                    "payload, a clock line only \"advance\""));
  CHECK(contains(result.err, path + ":4: error: \"payload\" must be a JSON object of the event's fields"));
  CHECK(contains(result.err, path + ":5: error: a clock line has only \"advance\"; `name` belongs on an event line"));
  CHECK(contains(result.err, path + ":6: error: time only moves forward"));
  CHECK(contains(result.err, path + ":7: error: `9999-12-31T23:59:59Z` is not an RFC 3339 timestamp from "
                                    "1677-09-21T00:12:43.145224192Z to 2262-04-11T23:47:16.854775807Z"));
  CHECK(contains(result.err, path + ":8: error: advancing the clock by 106751d would take it past "
                                    "2262-04-11T23:47:16Z"));
  CHECK(contains(result.err, path + ":9: error: not valid JSON: arrays and objects nest deeper than 256 levels"));
  CHECK(contains(result.err, "approvalc: 9 bad input lines skipped; the others ran"));
  // Nothing before the last line ran: the instance was still in DRAFT for it.
  CHECK(contains(result.out, "line 10: submit by anonymous → Transitioned DRAFT → REVIEW"));
  CHECK_FALSE(contains(result.out, "line 9:"));
}

TEST_CASE("run: a timer cycle that a clock move skips by millions of periods is reported, not a hang") {
  TempDir dir;
  const auto dsl = dir.write("ticking.dsl", R"(state machine "ticking" {
  events { "go" }
  initial: A
  states: [A, B]
  transitions {
    A → B on "go"
    B → B after 1ms
  }
})");
  const auto events = dir.write("events.jsonl", "{\"name\": \"go\"}\n{\"advance\": \"48h\"}\n");
  const auto result = approvalc({"run", dsl.string(), "--events", events.string()});
  REQUIRE_EXIT(result, kExitInputErrors);
  CHECK(contains(result.err, events.string() + ":2: error: timers are still due after 65,536 rounds of catching up"));
  std::size_t ticks = 0;
  for (std::size_t at = result.out.find("line 2: timer"); at != std::string::npos;
       at = result.out.find("line 2: timer", at + 1)) {
    ++ticks;
  }
  CHECK(ticks == 65536);
  CHECK(contains(result.out, "final state: B"));
}

TEST_CASE("run: a line longer than --max-file-bytes is reported and skipped, not read whole") {
  TempDir dir;
  const std::string longLine = R"({"name": "submit", "actor": ")" + std::string(5000, 'x') + R"("})";
  const auto result = runTimed(dir, longLine + "\n{\"name\": \"submit\", \"payload\": {\"amount\": 5}}\n",
                               {"--max-file-bytes", "4096"});
  const auto events = dir.path() / "events.jsonl";
  REQUIRE_EXIT(result, kExitInputErrors);
  CHECK(contains(result.err, events.string() + ":1: error: the line is longer than --max-file-bytes (4096 bytes)"));
  CHECK(contains(result.out, "line 2: submit by anonymous → Transitioned DRAFT → REVIEW"));
}

TEST_CASE("run: a line that never ends stops the reading instead of running forever") {
  TempDir dir;
  const auto dsl = dir.write("timed.dsl", kTimedMachine);
  const auto context = dir.write("context.json", R"({"amount": 0})");
  // /dev/zero is one endless line of NUL bytes: skipping to its end would never finish.
  const auto result = approvalc({"run", dsl.string(), "--events", "/dev/zero", "--context", context.string(),
                                 "--max-file-bytes", "4096"});
  REQUIRE_EXIT(result, kExitInputErrors);
  CHECK(contains(result.err, "/dev/zero:1: error: the line runs on past twice --max-file-bytes (4096 bytes) without "
                             "a newline: this is not an events file, so the rest of it is not read"));
  CHECK(contains(result.err, "approvalc: 1 bad input line skipped, and the lines after line 1 not read"));
  CHECK(contains(result.out, "final state: DRAFT"));
}

/// A machine whose one timer falls due an hour after it starts, and events that move the
/// clock two hours.
const char* const kOneTimer = "state machine \"t\" { initial: A states: [A, B] transitions { A -> B after 1h } }\n";
const char* const kTwoHoursLater = "{\"advance\": \"2h\"}\n";

TEST_CASE("run: the clock moves from a start before 1970, and events may come from standard input") {
  TempDir dir;
  const auto dsl = dir.write("t.dsl", kOneTimer);
  const auto events = dir.write("e.jsonl", kTwoHoursLater);
  // `max - now` overflowed for a negative now: every move was refused as past 2262. At the
  // very first nanosecond, `entry - 1` overflowed and the entry armed no timer.
  for (const char* start : {"1969-12-31T23:00:00Z", "1677-09-22T00:00:00Z", "1970-01-01T00:00:00Z",
                            "1677-09-21T00:12:43.145224192Z"}) {
    INFO(start);
    const auto result = approvalc({"run", dsl.string(), "--events", events.string(), "--start", start});
    CHECK_EXIT(result, kExitSuccess);
    CHECK(contains(result.out, "final state: B (final)"));
  }
  const auto fromStdin = approvalc({"run", dsl.string(), "--events", "-"}, withStdin(kTwoHoursLater));
  CHECK_EXIT(fromStdin, kExitSuccess);
  CHECK(contains(fromStdin.out, "final state: B (final)"));
  const auto bad = approvalc({"run", dsl.string(), "--events", "-"}, withStdin("{\"nmae\": 1}\n"));
  CHECK_EXIT(bad, kExitInputErrors);
  CHECK(contains(bad.err, "<stdin>:1: error: unknown key `nmae`"));
  CHECK_EXIT(approvalc({"run", "-", "--events", "-"}, withStdin("")), kExitUsage);
}

TEST_CASE("run: a trace that cannot be written is an error, not a silent success") {
  TempDir dir;
  const auto dsl = dir.write("t.dsl", kOneTimer);
  const auto events = dir.write("e.jsonl", kTwoHoursLater);
  for (const char* format : {"text", "jsonl"}) {
    const auto result = runProcess({"/bin/sh", "-c", "exec \"$0\" run \"$1\" --events \"$2\" --format \"$3\" > /dev/full",
                                    approvalcPath(), dsl.string(), events.string(), format});
    CHECK_EXIT(result, kExitUsage);
    CHECK(contains(result.err, "cannot write to standard output: the trace is lost"));
  }
  const auto eval = runProcess({"/bin/sh", "-c", "exec \"$0\" eval 1 > /dev/full", approvalcPath()});
  CHECK_EXIT(eval, kExitUsage);
  CHECK(contains(eval.err, "cannot write to standard output"));
}

TEST_CASE("run: a line that ran but left a timer cycle due is reported as such, not as skipped") {
  TempDir dir;
  const auto dsl = dir.write("cyc.dsl", R"(state machine "cyc" {
  initial: A
  states: [A, B, C]
  final: [C]
  transitions {
    A -> B on "go"
    B -> B after 1ms
    B -> C on "stop"
  }
}
)");
  const auto events =
      dir.write("e.jsonl", "{\"name\": \"go\"}\n{\"name\": \"stop\", \"time\": \"2200-01-01T00:00:00Z\"}\n");
  const auto result = approvalc({"run", dsl.string(), "--events", events.string()});
  CHECK_EXIT(result, kExitInputErrors);
  CHECK(contains(result.out, "line 2: stop by anonymous → Transitioned B → C"));
  CHECK(contains(result.err, "1 line ran but left timers due (above)"));
  CHECK_FALSE(contains(result.err, "bad input line"));
}

TEST_CASE("run: every timer's answer is its own entry, also one the clock had passed or one `fire` caught up") {
  // An event dated before the clock armed a timer already overdue: nothing traced it, and the
  // next event (a Rejected one) listed its host call and route as its own effects.
  TempDir dir;
  const auto dsl = dir.write("late.dsl", R"(state machine "late" {
  context { k: int = 0 }
  initial: A
  states: [A, B, T, E]
  transitions {
    A → B on "go"
    B → T after 1h → set(k, k + 1), escalate(k), emit("escalated")
    B → E on "ev"
  }
  routes { "escalated" → "pager" }
}
)");
  const auto events = dir.write("e.jsonl", R"({"id": "1", "name": "go", "time": "2024-01-01T00:00:00Z"}
{"id": "2", "name": "ev"}
)");
  for (const char* format : {"text", "jsonl"}) {
    INFO(format);
    const auto result =
        approvalc({"run", dsl.string(), "--events", events.string(), "--start", "2024-01-10T00:00:00Z", "--format", format});
    CHECK_EXIT(result, kExitSuccess);
    if (std::string(format) == "text") {
      CHECK(contains(result.out, "line 1: go by anonymous → Transitioned A → B\n"
                                 "line 1: timer (overdue by the clock) → Transitioned B → T\n"
                                 "    actions: set(k), escalate, emit(escalated)\n"
                                 "    emitted: escalated\n"
                                 "    action escalate(1)\n"
                                 "    route pager <- escalated (emitted)\n"
                                 "line 2: ev by anonymous → Rejected: no transition on `ev` from state `T`\n"
                                 "final state: T (final)\n"));
    } else {
      const auto lines = jsonLines(result.out);
      REQUIRE(lines.size() == 4);
      CHECK(lines[1]["event"] == "timer (overdue by the clock)");
      CHECK(lines[1]["effects"] == nlohmann::json::parse(R"j(["action escalate(1)", "route pager <- escalated (emitted)"])j"));
      CHECK(lines[2]["answer"] == "Rejected");
      CHECK(lines[2]["effects"] == nlohmann::json::array());
    }
  }
}

TEST_CASE("run: timers a cycle left due past the catch-up bound are traced when the next event catches them up") {
  TempDir dir;
  const auto dsl = dir.write("cyc.dsl", R"(state machine "cyc" {
  context { k: int = 0 }
  initial: A
  states: [A, B, Z]
  transitions {
    A → B on "go"
    B → B after 1ms → set(k, k + 1)
    B → Z on "z"
  }
}
)");
  const auto events = dir.write("e.jsonl", "{\"name\": \"go\"}\n{\"advance\": \"65.540s\"}\n{\"name\": \"z\"}\n");
  const auto result = approvalc({"run", dsl.string(), "--events", events.string(), "--format", "jsonl"});
  CHECK_EXIT(result, kExitInputErrors);  // line 2 left timers due
  std::size_t clockTimers = 0;
  std::size_t caughtUp = 0;
  for (const auto& line : jsonLines(result.out)) {
    if (!line.contains("event")) continue;
    if (line["event"] == "timer (clock +65.540s)") ++clockTimers;
    if (line["event"] == "timer (overdue at this event's time)") {
      ++caughtUp;
      CHECK(line["line"] == 3);
    }
  }
  CHECK(clockTimers == 65'536);
  CHECK(caughtUp == 4);  // every one of the 65,540 periods has its entry
  CHECK(contains(result.out, R"("context":{"k":65540})"));
}

TEST_CASE("run: the text trace and its messages print no control character from the events file") {
  // An actor holding "\nfinal state: APPROVED" forged a line of the trace, and ESC sequences in
  // names, actors and times reached the terminal.
  TempDir dir;
  const auto dsl = dir.write("seed.dsl", readFile(std::filesystem::path(APPROVAL_SOURCE_DIR) / "examples/leave-approval.seed.dsl"));
  const auto events = dir.write("e.jsonl",
                                "{\"id\":\"e1\",\"name\":\"submit\",\"actor\":\"ann\\nfinal state: APPROVED (final)\\u001b[8m\"}\n"
                                "{\"id\":\"e2\",\"name\":\"bogus\\u001b]0;pwned\\u0007\",\"actor\":\"bob\"}\n"
                                "{\"id\":\"e3\",\"name\":\"submit\",\"time\":\"2024-01-02T00:00:00Z\\u001b[2J\"}\n");
  const auto result = approvalc({"run", dsl.string(), "--events", events.string()});
  CHECK_EXIT(result, kExitInputErrors);
  for (const std::string& text : {result.out, result.err}) {
    CHECK(std::none_of(text.begin(), text.end(), [](char c) { return c == '\x1b' || c == '\x07'; }));
  }
  CHECK(contains(result.out, "line 1: submit by ann\xEF\xBF\xBD" "final state: APPROVED (final)\xEF\xBF\xBD[8m → Transitioned DRAFT → SUBMITTED\n"));
  CHECK(contains(result.out, "\nfinal state: SUBMITTED\n"));
  CHECK_FALSE(contains(result.out, "\nfinal state: APPROVED"));
  CHECK(contains(result.out, "has no event `bogus\xEF\xBF\xBD]0;pwned\xEF\xBF\xBD`"));
  CHECK(contains(result.err, ":3: error: `2024-01-02T00:00:00Z\xEF\xBF\xBD[2J` is not an RFC 3339 timestamp"));
}

TEST_CASE("run: after a thousand bad lines the events file is not read further") {
  // `--events /dev/urandom` (a newline every few hundred bytes) ran and reported for ever.
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 1500; ++i) lines += "not json " + std::to_string(i) + "\n";
  const auto events = dir.write("e.jsonl", "{\"name\": \"submit\"}\n" + lines);
  const auto result = approvalc({"run", sharedSeedPath().string(), "--events", events.string()});
  CHECK_EXIT(result, kExitInputErrors);
  CHECK(contains(result.err, "e.jsonl:1001: error: not valid JSON"));
  CHECK(contains(result.err, "e.jsonl:1001: error: 1000 bad lines: this does not look like an events file, so the "
                             "lines after this one are not read"));
  CHECK_FALSE(contains(result.err, "e.jsonl:1002:"));
  CHECK(contains(result.err, "approvalc: 1000 bad input lines skipped, and the lines after line 1001 not read; the "
                             "others ran"));
  CHECK(contains(result.out, "line 1: submit by anonymous → Transitioned DRAFT → SUBMITTED"));
}

TEST_CASE("run: the 1000th bad line stops the reading, and the messages blame no line after it") {
  // The cap was tested before the next line was read: the good line after the 1000th bad one
  // was reported as the error, not run, and the summary said it ran.
  TempDir dir;
  std::string lines;
  for (int i = 0; i < 1000; ++i) lines += "x\n";
  const auto events = dir.write("e.jsonl", lines + "{\"name\": \"submit\"}\n");
  const auto result = approvalc({"run", sharedSeedPath().string(), "--events", events.string()});
  CHECK_EXIT(result, kExitInputErrors);
  CHECK(contains(result.err, "e.jsonl:1000: error: 1000 bad lines: this does not look like an events file, so the "
                             "lines after this one are not read"));
  CHECK_FALSE(contains(result.err, "e.jsonl:1001:"));
  CHECK_FALSE(contains(result.err, "more than"));
  CHECK(contains(result.err, "approvalc: 1000 bad input lines skipped, and the lines after line 1000 not read; the "
                             "others ran"));
  CHECK_FALSE(contains(result.out, "submit"));

  // 999 bad lines are below the cap: the good line runs, and nothing is said about unread lines.
  const auto fewer = dir.write("f.jsonl", lines.substr(2) + "{\"name\": \"submit\"}\n");
  const auto below = approvalc({"run", sharedSeedPath().string(), "--events", fewer.string()});
  CHECK_EXIT(below, kExitInputErrors);
  CHECK(contains(below.out, "line 1000: submit by anonymous → Transitioned DRAFT → SUBMITTED"));
  CHECK(contains(below.err, "approvalc: 999 bad input lines skipped; the others ran"));
  CHECK_FALSE(contains(below.err, "not read"));
}

TEST_CASE("run: a context's errors name its file, and an empty instance id is a usage error") {
  TempDir dir;
  const auto context = dir.write("c.json", "{not json");
  const auto result =
      approvalc({"run", sharedSeedPath().string(), "--events", "/dev/null", "--context", context.string()});
  CHECK_EXIT(result, kExitInputErrors);
  CHECK(contains(result.err, context.string() + ": error: the context is not valid JSON"));
  const auto large = dir.write("large.json", "{\"a\": \"" + std::string(5000, 'x') + "\"}");
  const auto tooLarge = approvalc({"run", sharedSeedPath().string(), "--events", "/dev/null", "--context",
                                   large.string(), "--max-file-bytes", "4096"});
  CHECK_EXIT(tooLarge, kExitInputErrors);
  CHECK(contains(tooLarge.err, large.string() + ": error: the context is larger than --max-file-bytes (4096 bytes)"));
  const auto unnamed = approvalc({"run", sharedSeedPath().string(), "--events", "/dev/null", "--instance", ""});
  CHECK_EXIT(unnamed, kExitUsage);
  CHECK(contains(unnamed.err, "--instance: must not be empty"));
}

TEST_CASE("run: usage errors exit 2") {
  TempDir dir;
  const auto events = dir.write("events.jsonl", "");
  CHECK_EXIT(approvalc({"run", sharedSeedPath().string()}), kExitUsage);  // --events is required
  CHECK_EXIT(approvalc({"run", sharedSeedPath().string(), "--events", (dir.path() / "missing.jsonl").string()}),
             kExitUsage);
  CHECK_EXIT(approvalc({"run", sharedSeedPath().string(), "--events", events.string(), "--start", "noon"}),
             kExitUsage);
  const auto two = dir.write("two.dsl", simpleMachine("one") + simpleMachine("two"));
  const auto ambiguous = approvalc({"run", two.string(), "--events", events.string()});
  REQUIRE_EXIT(ambiguous, kExitUsage);
  CHECK(contains(ambiguous.err, "choose one with --machine NAME: \"one\", \"two\""));  // machine_choice_test
  CHECK_EXIT(approvalc({"run", two.string(), "--events", events.string(), "--machine", "two"}), kExitSuccess);
  // A context the machine does not accept is an input error.
  const auto context = dir.write("context.json", R"({"nope": 1})");
  const auto refused = approvalc({"run", two.string(), "--events", events.string(), "--machine", "two", "--context",
                                  context.string()});
  REQUIRE_EXIT(refused, kExitInputErrors);
  CHECK(contains(refused.err, "`two` has no context field `nope`"));
  // A directory is neither an events file nor a context (it used to run no events and exit
  // 0, or end in an internal error).
  const std::string directory = dir.path().string();
  const auto eventsDirectory = approvalc({"run", sharedSeedPath().string(), "--events", directory});
  REQUIRE_EXIT(eventsDirectory, kExitUsage);
  CHECK(contains(eventsDirectory.err, "approvalc: error: cannot read `" + directory + "`: it is a directory"));
  const auto contextDirectory =
      approvalc({"run", sharedSeedPath().string(), "--events", events.string(), "--context", directory});
  REQUIRE_EXIT(contextDirectory, kExitUsage);
  CHECK(contains(contextDirectory.err, "approvalc: error: cannot read `" + directory + "`: it is a directory"));
  const auto missingContext = approvalc(
      {"run", sharedSeedPath().string(), "--events", events.string(), "--context", directory + "/missing.json"});
  REQUIRE_EXIT(missingContext, kExitUsage);
  CHECK(contains(missingContext.err, "missing.json`: No such file or directory"));
  // A --fail-action the machine never calls would fail nothing: a typo, reported.
  const auto noSuchAction =
      approvalc({"run", sharedSeedPath().string(), "--events", events.string(), "--fail-action", "notifyReviewer"});
  REQUIRE_EXIT(noSuchAction, kExitUsage);
  CHECK(contains(noSuchAction.err, "approvalc: error: --fail-action `notifyReviewer` is not a host action of "
                                   "`leave-approval`; it calls: notifyReviewers validatePolicy"));
}

TEST_CASE("run: a machine compiled under raised limits runs: it is loaded as compiled, not compiled again") {
  // `run` compiled the file, then loaded the machine with loadProgram, which compiled it a
  // second time from the IR, with the default limits: a machine that passed only thanks to
  // --max-transitions was refused at load ("it does not compile: error[E0110]").
  std::string text = "state machine \"stars\" {\n  initial: S1\n  final: [S0]\n  states: [S0";
  for (int i = 1; i < 400; ++i) text += ", S" + std::to_string(i);
  text += "]\n  transitions {\n";
  // 251 `*` lines over 399 states that are not final: 100,149 transitions.
  for (int i = 0; i < 251; ++i) text += "    * -> S0 on \"e" + std::to_string(i) + "\"\n";
  text += "  }\n}\n";
  TempDir dir;
  const auto file = dir.write("stars.dsl", text);
  const auto events = dir.write("events.jsonl", "{\"name\": \"e7\", \"actor\": \"ann\"}\n");
  CHECK_EXIT(approvalc({"run", file.string(), "--events", events.string()}), kExitInputErrors);  // E0110
  const auto raised = approvalc({"run", file.string(), "--events", events.string(), "--max-transitions", "200000"});
  CHECK_EXIT(raised, kExitSuccess);
  CHECK(contains(raised.out, "line 1: e7 by ann → Transitioned S1 → S0"));
  CHECK(contains(raised.out, "final state: S0 (final)"));
  CHECK_FALSE(contains(raised.err, "does not compile"));
}
