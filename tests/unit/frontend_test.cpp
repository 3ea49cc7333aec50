// Parse, check and lower real sources through the public API.
#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <optional>
#include <random>
#include <sstream>

#include "approval/ast_dump.h"
#include "approval/compiler.h"
#include "approval/ir_json.h"
#include "approval/stdlib.h"

using namespace approval;

namespace {

std::unique_ptr<Compilation> compileText(const std::string& text) {
  return compile({{"test.dsl", text}});
}

std::string readFile(const std::string& path) {
  std::ifstream stream(path, std::ios::binary);
  REQUIRE(stream.good());
  std::ostringstream buffer;
  buffer << stream.rdbuf();
  return buffer.str();
}

std::vector<std::string> codes(const Compilation& compilation) {
  std::vector<std::string> result;
  for (const auto& diagnostic : compilation.diagnostics.diagnostics()) result.emplace_back(diagnostic.code());
  return result;
}

const ir::Machine& onlyMachine(const Compilation& compilation) {
  REQUIRE(compilation.program.machines.size() == 1);
  return compilation.program.machines.front();
}

}  // namespace

TEST_CASE("the seed example compiles verbatim into the expected IR") {
  const auto compilation = compileText(readFile(APPROVAL_SHARED_DIR "/corpus/leave-approval.seed.dsl"));
  CHECK_FALSE(compilation->diagnostics.hasErrors());
  const ir::Machine& machine = onlyMachine(*compilation);
  CHECK(machine.name == "leave-approval");
  REQUIRE(machine.states.size() == 6);
  CHECK(machine.states[machine.initial].name == "DRAFT");
  CHECK(machine.transitions.size() == 3);
  // Without `final:`, states with no way out are final.
  CHECK(machine.states[3].isFinal);   // APPROVED
  CHECK_FALSE(machine.states[0].isFinal);
  REQUIRE(machine.routes.size() == 2);
  CHECK(machine.routes[1].targets == std::vector<std::string>{"notification-service", "audit-service"});
  REQUIRE(machine.hostActions.size() == 2);
  CHECK(machine.hostActions[0].name == "notifyReviewers");
  CHECK(machine.contentHash.starts_with("sha256:"));
  CHECK(machine.contentHash.size() == 7 + 64);
}

TEST_CASE("IR JSON round-trips for the seed and for a full-language machine") {
  const std::string full = R"(
    state machine "expense" {
      version: 3
      context { amount: int = 0  applicant: string  reviewers: list<string>  tags: map<string, string> }
      events { "approve" { comment: string } "reject" }
      quorum: 60% of reviewers
      initial: DRAFT
      states: [DRAFT, SUBMITTED, REVIEWING, APPROVED, REJECTED, ESCALATED]
      final: [APPROVED, REJECTED]
      transitions {
        DRAFT -> SUBMITTED on "submit" -> validatePolicy() compensate revokePolicy()
        SUBMITTED → REVIEWING on "assignReviewer" → notifyReviewers()
        REVIEWING → APPROVED on "approve" if 500000u > 0u ? amount <= 500000 && hasQuorum() : false → emit("onApproved")
        REVIEWING → ESCALATED after 48h → notify("cfo")
        ESCALATED → APPROVED on "approve" if reviewers.exists(r, r == event.actor) && event.comment != ""
        [SUBMITTED, REVIEWING, ESCALATED] → REJECTED on "reject" → compensate()
        * → REJECTED on "cancel" if event.actor == applicant → set(amount, -1)
      }
      routes { "submit" → "validator-service"  "approve" → "notification-service", "audit-service" }
    })";
  const auto compilation = compileText(full);
  INFO(codes(*compilation).size());
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  const auto text = toJson(compilation->program).dump();
  const auto reloaded = parseIr(text);
  REQUIRE(reloaded.ok());
  CHECK(reloaded.value() == compilation->program);
  CHECK(toJson(reloaded.value()).dump() == text);
}

TEST_CASE("lowering expands `*` and lists and keeps declaration order per (state, event)") {
  const auto compilation = compileText(R"(
    state machine "m" {
      context { amount: int }
      initial: A
      states: [A, B, C, D]
      final: [D]
      transitions {
        A → B on "go" if amount > 10
        A → C on "go"
        [B, C] → D on "finish"
        * → D on "cancel"
        B → A after 1h
        B → C after 30m
      }
    })");
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  const ir::Machine& machine = onlyMachine(*compilation);
  // go: 2 from A; finish: B and C; cancel: A, B, C (D is final); timers: 2.
  CHECK(machine.transitions.size() == 2 + 2 + 3 + 2);
  const auto& rowA = machine.table[0];
  REQUIRE(rowA.events.size() == 2);
  const auto& go = rowA.events[0];
  CHECK(machine.events[go.event].name == "go");
  REQUIRE(go.transitions.size() == 2);
  CHECK(machine.transitions[go.transitions[0]].guard.has_value());
  CHECK_FALSE(machine.transitions[go.transitions[1]].guard.has_value());
  CHECK(machine.table[3].events.empty());  // D: final, `*` skips it
  const auto& timers = machine.table[1].timers;
  REQUIRE(timers.size() == 2);
  CHECK(*machine.transitions[timers[0]].delayMs == 30LL * 60 * 1000);  // sorted by delay
  CHECK(*machine.transitions[timers[1]].delayMs == 3600LL * 1000);
  CHECK(machine.transitions[timers[0]].declaration == 5);
}

TEST_CASE("the default quorum is a majority of `reviewers` when that field exists") {
  const auto withReviewers = compileText(R"(state machine "q" { context { reviewers: list<string> }
      initial: A states: [A, B] transitions { A → B on "approve" if hasQuorum() } })");
  REQUIRE_FALSE(withReviewers->diagnostics.hasErrors());
  const auto& quorum = onlyMachine(*withReviewers).quorum;
  CHECK(quorum.kind == ir::QuorumKind::Majority);
  CHECK(quorum.isDefault);
  CHECK(quorum.field == 0u);

  const auto without = compileText(R"(state machine "q" { initial: A states: [A, B] transitions { A → B on "approve" } })");
  CHECK(onlyMachine(*without).quorum.kind == ir::QuorumKind::Count);
  CHECK(onlyMachine(*without).quorum.value == 1);
}

TEST_CASE("content hash ignores layout but not meaning") {
  const auto a = compileText(R"(state machine "h" { initial: A states: [A, B] transitions { A → B on "x" } })");
  const auto b = compileText("state machine \"h\" {\n  initial: A\n  states: [A, B]\n  transitions {\n    A -> B on \"x\"  // same\n  }\n}\n");
  const auto c = compileText(R"(state machine "h" { initial: A states: [A, B] transitions { A → B on "y" } })");
  CHECK(onlyMachine(*a).contentHash == onlyMachine(*b).contentHash);
  CHECK(onlyMachine(*a).contentHash != onlyMachine(*c).contentHash);
}

TEST_CASE("UTF-8 BOM, CRLF, non-ASCII names and every comment form") {
  const std::string text =
      "\xEF\xBB\xBF# hash comment\r\nstate machine \"请假\" { /* block\r\n comment */\r\n"
      "  initial: 草稿 // line comment\r\n  states: [草稿, 已提交]\r\n"
      "  transitions { 草稿 → 已提交 on \"提交\" }\r\n}\r\n";
  const auto compilation = compileText(text);
  CHECK(codes(*compilation).empty());
  const ir::Machine& machine = onlyMachine(*compilation);
  CHECK(machine.states[0].name == "草稿");
  CHECK(machine.events[0].name == "提交");
  // Columns count code points: `已提交` in the states list starts at column 16 of line 5.
  const auto& states = compilation->files[0].machines[0].states->states;
  CHECK(states[1].span.line == 5);
  CHECK(states[1].span.column == 16);
}

TEST_CASE("several machines per file; expressions keep CEL precedence") {
  const auto compilation = compileText(R"(
    state machine "one" { context { a: int b: int c: bool } initial: A states: [A, B]
      transitions { A → B on "x" if a + b * 2 > 3 || !c && a in [1, 2] } }
    state machine "two" { initial: A states: [A, B] transitions { A → B on "y" } })");
  REQUIRE(codes(*compilation).empty());
  CHECK(compilation->program.machines.size() == 2);
  const auto& guard = *compilation->files[0].machines[0].transitions[0].guard;
  CHECK(dumpExpr(guard) == "(|| (> (+ a (* b 2)) 3) (&& (! c) (in a (list 1 2))))");
}

TEST_CASE("the stdlib table is sorted and every entry is found by name") {
  const auto functions = guardFunctions();
  CHECK(std::is_sorted(functions.begin(), functions.end(),
                       [](const auto& x, const auto& y) { return x.name < y.name; }));
  for (const auto& function : functions) CHECK_FALSE(findGuardFunction(function.name).empty());
  CHECK(findGuardFunction("size").size() == 2);
  CHECK(findGuardFunction("nope").empty());
  CHECK(findBuiltinAction("emit") != nullptr);
  CHECK(findBuiltinAction("notify") == nullptr);
}

TEST_CASE("closest-match suggestions") {
  const std::vector<std::string> names = {"REVIEWING", "APPROVED", "DRAFT"};
  CHECK(closestMatch("REVEIWING", names) == "REVIEWING");
  CHECK(closestMatch("reviewing", names) == "REVIEWING");
  CHECK(closestMatch("APROVED", names) == "APPROVED");
  CHECK_FALSE(closestMatch("ZZZ", names).has_value());
}

namespace {

/// Optimal string alignment distance over bytes, written plainly: what closestMatch's
/// bounded search must agree with (the names below are ASCII, one byte a code point).
std::size_t referenceDistance(const std::string& a, const std::string& b) {
  std::vector<std::vector<std::size_t>> d(a.size() + 1, std::vector<std::size_t>(b.size() + 1));
  for (std::size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    for (std::size_t j = 1; j <= b.size(); ++j) {
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

}  // namespace

TEST_CASE("closest-match suggestions agree with a plain edit distance on random names") {
  // Short names over four letters, so that most are within reach of some candidate and ties
  // are common: the first closest candidate within a third of the name's length wins.
  std::mt19937 random(20261127);
  auto randomName = [&](std::size_t maxLength) {
    std::string name(1 + random() % maxLength, 'a');
    for (char& c : name) c = static_cast<char>('a' + random() % 4);
    return name;
  };
  for (int round = 0; round < 4000; ++round) {
    // Half the rounds have names long enough for the cap on edits and the band to matter.
    const std::size_t maxLength = round % 2 == 0 ? 12 : 40;
    std::vector<std::string> candidates;
    for (std::size_t i = 0, count = 1 + random() % 12; i < count; ++i) candidates.push_back(randomName(maxLength));
    std::string name = randomName(maxLength);
    if (round % 4 == 1) {  // a near miss of a long candidate: a few edits away, within the band
      name = candidates[0];
      for (std::size_t edits = random() % 6; edits > 0 && !name.empty(); --edits) {
        const std::size_t at = random() % name.size();
        if (random() % 2 == 0) name.erase(at, 1); else name[at] = static_cast<char>('a' + random() % 4);
      }
      if (name.empty()) name = "a";
    }
    CAPTURE(name);
    std::optional<std::string> expected;
    const bool sameUpToCase = std::find(candidates.begin(), candidates.end(), name) != candidates.end();
    std::size_t best = std::clamp<std::size_t>(name.size() / 3, 1, 4) + 1;  // a third, at most four edits
    for (const auto& candidate : candidates) {
      const std::size_t distance = referenceDistance(name, candidate);
      if (distance < best) {
        best = distance;
        expected = candidate;
      }
    }
    if (sameUpToCase) expected = name;
    CHECK(closestMatch(name, candidates) == expected);
  }
}

TEST_CASE("closest-match: a long name costs its length times the band, and a check's searches share a budget") {
  // The distance was a full table: one 32,000-character misspelling took 7 s, a 1 MB one
  // did not finish. Now a row holds at most nine cells (four edits either way).
  const std::string declared(300'000, 'a');
  std::string typo = declared;
  typo[150'000] = 'b';
  CHECK(closestMatch(typo, std::vector<std::string>{declared, std::string(300'000, 'z')}) == declared);
  CHECK_FALSE(closestMatch(std::string(300'000, 'q'), std::vector<std::string>{declared}).has_value());

  // 600 misspelt targets among 4,001 states: the first searches suggest, then the budget of
  // DiagnosticSink::kSuggestionComparisons is spent and the rest get the plain advice.
  const auto numbered = [](int i, int width) {
    std::string digits = std::to_string(i);
    return std::string(static_cast<std::size_t>(width) - digits.size(), '0') + digits;
  };
  std::string dsl = "state machine \"big\" {\n  initial: step_0000\n  states: [step_0000";
  for (int i = 0; i < 4000; ++i) dsl += ", approval_step_for_department_" + numbered(i, 4);
  dsl += "]\n  transitions {\n";
  for (int i = 0; i < 600; ++i) {
    dsl += "    step_0000 → approval_step_for_department_x" + numbered(i, 3) + " on \"e" + std::to_string(i) + "\"\n";
  }
  dsl += "  }\n}\n";
  const auto compilation = compile({{"big.dsl", dsl}});
  std::size_t suggested = 0;
  std::size_t plain = 0;
  for (const auto& diagnostic : compilation->diagnostics.diagnostics()) {
    if (diagnostic.kind != DiagnosticCode::UnknownState) continue;
    REQUIRE(diagnostic.help.has_value());
    if (diagnostic.help->starts_with("did you mean `approval_step_for_department_")) ++suggested; else ++plain;
  }
  CHECK(suggested == DiagnosticSink::kSuggestionComparisons / 4001);
  CHECK(suggested + plain == 600);
}

TEST_CASE("help past the diagnostics limit is never computed") {
  DiagnosticSink sink(1);
  int computed = 0;
  auto help = [&] {
    ++computed;
    return std::string("did you mean `B`?");
  };
  sink.report(DiagnosticCode::UnknownState, {}, "unknown state `C`").helpFrom(help);
  CHECK(sink.full());
  sink.report(DiagnosticCode::UnknownState, {}, "unknown state `D`").helpFrom(help);
  CHECK(computed == 1);
  REQUIRE(sink.diagnostics().size() == 1);
  CHECK(sink.diagnostics()[0].help == "did you mean `B`?");
  CHECK(sink.droppedCount() == 1);
  CHECK(sink.errorCount() == 2);
}

TEST_CASE("a program compiled from several files round-trips through IR JSON") {
  const auto compilation = compile({{"a.dsl", R"(state machine "a" { initial: A states: [A, B] transitions { A → B on "x" if 1 < 2 } })"},
                                    {"b.dsl", R"(state machine "b" { initial: A states: [A, B] transitions { A → B on "y" if 2 > 1 } })"}});
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  REQUIRE(compilation->program.machines.size() == 2);
  CHECK(compilation->program.machines[1].sourcePath == "b.dsl");
  const auto reloaded = parseIr(toJson(compilation->program).dump());
  REQUIRE(reloaded.ok());
  CHECK(reloaded.value() == compilation->program);
}

TEST_CASE("machine names are unique across the files of one compilation") {
  const auto compilation = compile({{"a.dsl", R"(state machine "same" { initial: A states: [A] })"},
                                    {"b.dsl", R"(state machine "same" { initial: A states: [A] })"}});
  REQUIRE(codes(*compilation) == std::vector<std::string>{"E0205"});
  const auto& diagnostic = compilation->diagnostics.diagnostics().front();
  CHECK(compilation->sources.file(diagnostic.primary.file).path() == "b.dsl");
  REQUIRE(diagnostic.secondary.size() == 1);
  CHECK(compilation->sources.file(diagnostic.secondary[0].span.file).path() == "a.dsl");
}

TEST_CASE("list diagnostics underline the entry they are about") {
  const auto leaves = compileText(R"(state machine "t" {
  initial: A
  states: [A, B, C]
  final: [B, C]
  transitions { A → B on "go"  C → A on "back" }
})");
  REQUIRE(codes(*leaves) == std::vector<std::string>{"E0212"});
  const auto& fromFinal = leaves->diagnostics.diagnostics().front();
  REQUIRE(fromFinal.secondary.size() == 1);
  CHECK(fromFinal.secondary[0].span.line == 4);
  CHECK(fromFinal.secondary[0].span.column == 14);  // `C` in `[B, C]`, not the whole list
  CHECK(fromFinal.secondary[0].span.endColumn == 15);

  const auto routes = compileText(R"(state machine "r" {
  initial: A
  states: [A, B]
  transitions { A → B on "x" }
  routes { "x" → "svc, svc" }
})");
  REQUIRE(codes(*routes) == std::vector<std::string>{"E0214"});
  const auto& repeated = routes->diagnostics.diagnostics().front();
  CHECK(repeated.primary.column == 24);  // the second `svc` inside the string
  CHECK(repeated.primary.endColumn == 27);
  REQUIRE(repeated.secondary.size() == 1);
  CHECK(repeated.secondary[0].span.column == 19);
}

TEST_CASE("a timer behind a shorter unguarded one is not lowered away: it is only reported") {
  const auto compilation = compileText(R"(state machine "t" {
  initial: A
  states: [A, B, D]
  final: [B, D]
  transitions { A → B after 1h  A → D after 2h }
})");
  CHECK(codes(*compilation) == std::vector<std::string>{"W0401", "W0301"});  // in source order
  CHECK(onlyMachine(*compilation).transitions.size() == 2);
}

TEST_CASE("lowered expressions carry their checked types") {
  const auto compilation = compileText(R"(
    state machine "typed" {
      context { amount: int  tags: list<string>  rate: double = 1.5 }
      events { "approve" { comment: string } }
      initial: A
      states: [A, B]
      transitions { A → B on "approve" if amount > 3 && event.comment in tags → set(rate, double(amount) * 2.0) }
    })");
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  const ir::Machine& machine = onlyMachine(*compilation);
  const ir::Expr& guard = *machine.transitions[0].guard;
  CHECK(guard.type.spelling() == "bool");
  CHECK(guard.operands[0].operands[0].type.spelling() == "int");             // amount
  CHECK(guard.operands[1].operands[0].type.spelling() == "string");          // event.comment
  CHECK(guard.operands[1].operands[1].type.spelling() == "list<string>");    // tags
  CHECK(machine.transitions[0].actions[0].call.arguments[1].type.spelling() == "double");
  CHECK(machine.context[2].defaultValue->type.spelling() == "double");
  const auto reloaded = parseIr(toJson(compilation->program).dump());
  REQUIRE(reloaded.ok());
  CHECK(reloaded.value() == compilation->program);
}
