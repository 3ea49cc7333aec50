// The content hash pins running instances to a definition: it must follow the machine's
// behaviour and nothing else (spans, the file's location, the stored hash itself).
#include <doctest/doctest.h>

#include <string>

#include "approval/ir_json.h"
#include "approval/lower.h"

namespace {

using namespace approval;

ir::Expr intLiteral(std::int64_t value, SourceSpan span) {
  ir::Expr e;
  e.literal = value;
  e.span = span;
  return e;
}

ir::Machine sampleMachine() {
  ir::Machine m;
  m.name = "leave";
  m.sourcePath = "flows/leave.dsl";
  m.context = {ir::Field{"days", "int", std::nullopt}};
  m.events = {ir::Event{"approve", {}, false}};
  m.states = {{"DRAFT", false}, {"APPROVED", true}};

  ir::Transition approve;
  approve.source = 0;
  approve.target = 1;
  approve.event = 0;
  ir::Expr days;
  days.kind = ir::ExprKind::ContextField;
  days.span = SourceSpan{0, 4, 30, 4, 34};
  ir::Expr guard;
  guard.kind = ir::ExprKind::Binary;
  guard.binaryOp = ast::BinaryOp::LessEqual;
  guard.operands = {days, intLiteral(3, SourceSpan{0, 4, 38, 4, 39})};
  guard.span = SourceSpan{0, 4, 30, 4, 39};
  approve.guard = guard;
  approve.span = SourceSpan{0, 4, 5, 4, 39};
  m.transitions = {approve};
  m.table = {ir::StateTable{{ir::EventRow{0, {0}}}, {}}, ir::StateTable{}};
  return m;
}

bool isLowercaseHex(const std::string& text) {
  for (char c : text) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

}  // namespace

TEST_CASE("the hash is sha256: and 64 lowercase hex digits, and stable") {
  const std::string hash = computeContentHash(sampleMachine());
  REQUIRE(hash.size() == 7 + 64);
  CHECK(hash.rfind("sha256:", 0) == 0);
  CHECK(isLowercaseHex(hash.substr(7)));
  CHECK(computeContentHash(sampleMachine()) == hash);
}

TEST_CASE("the hash is SHA-256 of the canonical JSON") {
  // The empty machine pins the algorithm and the canonical text: if either changes, every
  // stored instance would be orphaned, so this is meant to fail loudly.
  const ir::Machine empty;
  const std::string canonical = toJson(empty, {.includeSpans = false, .includeHash = false}).dump();
  CHECK(canonical ==
        R"({"context":[],"events":[],"hostActions":[],"initial":0,"name":"",)"
        R"("quorum":{"isDefault":true,"kind":"count","value":1},"routes":[],"states":[],)"
        R"("table":[],"transitions":[],"version":1})");
  // Checked against coreutils: printf %s "$canonical" | sha256sum
  CHECK(computeContentHash(empty) ==
        "sha256:cad8a34e03da522e4ea18c758b2f8d8370b27bc50b3aa8376a7aa4ad3be99b3c");
}

TEST_CASE("the hash changes with anything that changes behaviour") {
  const std::string original = computeContentHash(sampleMachine());
  const auto hashAfter = [](auto edit) {
    ir::Machine m = sampleMachine();
    edit(m);
    return computeContentHash(m);
  };
  CHECK(hashAfter([](ir::Machine& m) { m.name = "leave2"; }) != original);
  CHECK(hashAfter([](ir::Machine& m) { m.version = 2; }) != original);
  CHECK(hashAfter([](ir::Machine& m) { m.states[1].name = "DONE"; }) != original);
  CHECK(hashAfter([](ir::Machine& m) { m.states[0].isFinal = true; }) != original);
  CHECK(hashAfter([](ir::Machine& m) {
          m.transitions[0].guard->operands[1].literal = std::int64_t{4};
        }) != original);
  // Same number, other type: 3 and 3u are different guards.
  CHECK(hashAfter([](ir::Machine& m) {
          m.transitions[0].guard->operands[1].literal = std::uint64_t{3};
        }) != original);
  CHECK(hashAfter([](ir::Machine& m) { m.transitions[0].guard.reset(); }) != original);
  CHECK(hashAfter([](ir::Machine& m) { m.routes.push_back(ir::Route{0, {"audit"}}); }) != original);
  CHECK(hashAfter([](ir::Machine& m) { m.quorum.value = 2; }) != original);
}

TEST_CASE("the hash ignores spans, the source path and the stored hash") {
  const std::string original = computeContentHash(sampleMachine());
  ir::Machine moved = sampleMachine();
  moved.sourcePath = "/elsewhere/renamed.dsl";
  moved.contentHash = original;
  moved.transitions[0].span = SourceSpan{0, 40, 1, 41, 2};
  moved.transitions[0].guard->span = SourceSpan{3, 9, 9, 9, 9};
  moved.transitions[0].guard->operands[0].span = {};
  CHECK(computeContentHash(moved) == original);

  moved.sourcePath.clear();
  moved.contentHash = "sha256:stale";
  CHECK(computeContentHash(moved) == original);
}
