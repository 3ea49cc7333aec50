// IR read from JSON must be what the compiler makes of it (approval/ir_verify.h): every
// machine the compiler writes passes, and each edit that the JIT would have trusted (a type
// label, a `set` value, the host action list, a quorum, a repeated name) is refused by name.
#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "approval/compiler.h"
#include "approval/engine.h"
#include "approval/ir_json.h"
#include "approval/ir_verify.h"
#include "support/engine_events.h"

using namespace approval;
using nlohmann::json;

namespace {

std::string readFile(const std::filesystem::path& path) {
  std::ifstream stream(path);
  std::stringstream text;
  text << stream.rdbuf();
  return text.str();
}

/// The IR JSON of one machine compiled from `dsl`.
json compiledIr(const std::string& dsl) {
  const auto compilation = compile({InputFile{"m.dsl", dsl}});
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  json ir = toJson(compilation->program);
  ir["machines"][0].erase("contentHash");  // edits below would be refused for the stale hash alone
  return ir;
}

/// What verification says about `document` read back from JSON (empty: it passes).
std::string mismatchOf(const json& document) {
  const auto program = parseIr(document.dump());
  REQUIRE(program.ok());
  return irCompileMismatch(program.value().machines.at(0)).value_or("");
}

const char* const kPayment = R"(
state machine "pay" {
  context { n: int = 1  reviewers: list<string> = [] }
  events { "go" { amount: int } }
  quorum: 2
  initial: A
  states: [A, B]
  transitions {
    A → B on "go" if event.amount > 1 && [1, 2].exists(x, x == n) → set(n, 2), charge(n) compensate refund(n)
  }
}
)";

}  // namespace

TEST_CASE("ir verify: every machine the compiler writes passes, read back from JSON, with or without spans") {
  std::vector<std::filesystem::path> sources;
  for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(APPROVAL_SOURCE_DIR) / "examples")) {
    if (entry.path().extension() == ".dsl") sources.push_back(entry.path());
  }
  sources.push_back(std::filesystem::path(APPROVAL_SHARED_DIR) / "corpus/leave-approval.seed.dsl");
  // The golden file that uses every guard construct the checker accepts.
  sources.push_back(std::filesystem::path(APPROVAL_SOURCE_DIR) / "tests/golden/valid_cel_guards.dsl");
  std::size_t machines = 0;
  for (const auto& path : sources) {
    CAPTURE(path);
    const auto compilation = compile({InputFile{path.string(), readFile(path)}});
    REQUIRE_FALSE(compilation->diagnostics.hasErrors());
    for (const auto& machine : compilation->program.machines) {
      CAPTURE(machine.name);
      CHECK(irCompileMismatch(machine) == std::nullopt);
      for (const bool spans : {true, false}) {
        const auto read = parseIr(toJson(compilation->program, IrJsonOptions{spans, true}).dump());
        REQUIRE(read.ok());
        for (const auto& back : read.value().machines) CHECK(irCompileMismatch(back) == std::nullopt);
      }
      ++machines;
    }
  }
  CHECK(machines >= 6);
}

TEST_CASE("ir verify: every golden file that compiles without errors loads back from the IR the compiler writes") {
  // Warnings are allowed (exit 0): a warning-only machine must load, e.g. a `*` line that
  // matches no state (W0302) once registered its event and made the IR fail this check.
  std::vector<std::filesystem::path> goldens;
  for (const auto& entry :
       std::filesystem::directory_iterator(std::filesystem::path(APPROVAL_SOURCE_DIR) / "tests/golden")) {
    if (entry.path().extension() == ".dsl") goldens.push_back(entry.path());
  }
  std::sort(goldens.begin(), goldens.end());
  std::size_t files = 0;
  std::size_t machines = 0;
  for (const auto& path : goldens) {
    CAPTURE(path);
    const auto compilation = compile({InputFile{path.string(), readFile(path)}});
    if (compilation->diagnostics.hasErrors()) continue;
    ++files;
    const auto read = parseIr(toJson(compilation->program).dump());
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? std::string() : read.error().message));
    for (const auto& machine : read.value().machines) {
      CAPTURE(machine.name);
      CHECK(irCompileMismatch(machine).value_or("") == "");
      ++machines;
    }
  }
  CHECK(files >= 10);
  CHECK(machines >= files);
}

TEST_CASE("ir verify: an expression at the compiler's deepest nesting loads back from the IR it writes") {
  // Each expression level is two JSON levels: the generic limit of 256 refused the IR of a
  // guard nested 124 levels deep, which the compiler accepts by default (256) and up to 512.
  CompileOptions options;
  options.limits.maxNestingDepth = kMaxSupportedNesting;
  const auto chain = [](std::size_t terms) {
    std::string text = "n";
    for (std::size_t i = 0; i < terms; ++i) text += " + 1";
    return text;
  };
  const auto machine = [&](std::size_t guardTerms, std::size_t argumentTerms) {
    return "state machine \"deep\" {\n  context { n: int = 0 }\n  initial: A\n  states: [A, B]\n  transitions {\n    A → B on \"x\" if " + chain(guardTerms) +
           " > 0 → set(n, " + chain(argumentTerms) + ")\n  }\n}\n";
  };
  // The guard's `>` is one level over the chain, whose n terms are n + 1 levels.
  const std::size_t guardTerms = kMaxSupportedNesting - 2;
  const std::size_t argumentTerms = kMaxSupportedNesting - 1;
  REQUIRE(compile({InputFile{"m.dsl", machine(guardTerms + 1, argumentTerms)}}, options)->diagnostics.hasErrors());
  REQUIRE(compile({InputFile{"m.dsl", machine(guardTerms, argumentTerms + 1)}}, options)->diagnostics.hasErrors());
  const auto compilation = compile({InputFile{"m.dsl", machine(guardTerms, argumentTerms)}}, options);
  REQUIRE_FALSE(compilation->diagnostics.hasErrors());
  for (const bool spans : {true, false}) {
    CAPTURE(spans);
    const auto read = parseIr(toJson(compilation->program, IrJsonOptions{spans, true}).dump());
    REQUIRE_MESSAGE(read.ok(), (read.ok() ? std::string() : read.error().message));
    CHECK(irCompileMismatch(read.value().machines.at(0)).value_or("") == "");
  }
  runtime::Engine engine;
  CHECK(engine.loadIr(toJson(compilation->program).dump()).ok());
}

TEST_CASE("ir verify: a type label that is not what the operands give is refused, naming its path") {
  json ir = compiledIr(kPayment);
  CHECK(mismatchOf(ir).empty());
  json& guard = ir["machines"][0]["transitions"][0]["guard"];
  REQUIRE(guard["binaryOp"] == "&&");

  json eventFieldAsString = ir;  // `event.amount`, an int, labelled a string: the JIT read the slot as one
  eventFieldAsString["machines"][0]["transitions"][0]["guard"]["operands"][0]["operands"][0]["type"] = "string";
  CHECK(mismatchOf(eventFieldAsString) ==
        "transitions[0].guard.operands[0].operands[0].type is \"string\", but compiling gives \"int\"");

  json variableAsList = ir;  // `x` in `exists(x, x == n)` labelled a list: a number read as a pointer
  variableAsList["machines"][0]["transitions"][0]["guard"]["operands"][1]["operands"][2]["operands"][0]["type"] =
      "list<int>";
  CHECK(mismatchOf(variableAsList) ==
        "transitions[0].guard.operands[1].operands[2].operands[0].type is \"list<int>\", but compiling gives \"int\"");

  json callAsInt = ir;  // the JIT took the result of `exists` for an int: "internal error" where the interpreter ran
  callAsInt["machines"][0]["transitions"][0]["guard"]["operands"][1]["type"] = "int";
  CHECK(mismatchOf(callAsInt) == "transitions[0].guard.operands[1].type is \"int\", but compiling gives \"bool\"");
}

TEST_CASE("ir verify: actions, the host action list, the quorum and repeated names are checked as the compiler does") {
  const json ir = compiledIr(kPayment);
  json& transition = const_cast<json&>(ir)["machines"][0]["transitions"][0];
  REQUIRE(transition["actions"][0]["call"]["name"] == "set");

  json setsAString = ir;  // the int field `n` would have held a string
  setsAString["machines"][0]["transitions"][0]["actions"][0]["call"]["arguments"][1] = {
      {"kind", "literal"}, {"value", "hello"}, {"type", "string"}};
  CHECK(mismatchOf(setsAString) == "it does not compile: error[E0311]: `n` is `int`, but this value is `string`");

  json unlistedAction = ir;  // loading checks only the listed host actions are bound
  unlistedAction["machines"][0]["hostActions"] = json::array({ir["machines"][0]["hostActions"][0]});
  CHECK(mismatchOf(unlistedAction) == "hostActions has 1 entries, but compiling gives 2");

  json noVotes = ir;  // `hasQuorum()` would hold with nobody voting
  noVotes["machines"][0]["quorum"]["value"] = 0;
  CHECK(mismatchOf(noVotes).find("it does not compile: error[E0211]") == 0);

  json twoFieldsOneName = ir;
  twoFieldsOneName["machines"][0]["context"][1]["name"] = "n";
  CHECK(mismatchOf(twoFieldsOneName).find("it does not compile: error[E0206]") == 0);
}

TEST_CASE("ir verify: the engine refuses edited IR on load, with the JIT and the interpreter alike") {
  json ir = compiledIr(kPayment);
  ir["machines"][0]["transitions"][0]["guard"]["operands"][1]["operands"][2]["operands"][0]["type"] = "list<int>";
  for (const bool jit : {true, false}) {
    CAPTURE(jit);
    runtime::EngineOptions options;
    options.jit = jit;
    runtime::Engine engine(std::move(options));
    for (const char* action : {"charge", "refund"}) {
      engine.bindAction(action, [](const runtime::ActionCall&) { return runtime::ActionResult::ok(); });
    }
    const auto refused = engine.loadIr(ir.dump());
    REQUIRE_FALSE(refused.ok());
    CHECK(refused.error().message ==
          "machine `pay`: its IR is not what the compiler makes of it: transitions[0].guard.operands[1].operands[2]."
          "operands[0].type is \"list<int>\", but compiling gives \"int\"; compile the machine again from its source");
  }
}
