// End-to-end tests of `approvalc graph`: DOT (checked with Graphviz when it is installed),
// Mermaid, and choosing one machine of several.
#include <doctest/doctest.h>

#include "cli_support.h"

using namespace cli;

namespace {

const std::string kTwoMachines =
    "state machine \"alpha\" {\n"
    "  initial: A1\n"
    "  states: [A1, A2]\n"
    "  transitions {\n"
    "    A1 -> A2 on \"go\"\n"
    "  }\n"
    "}\n"
    "\n"
    "state machine \"beta\" {\n"
    "  initial: B1\n"
    "  states: [B1, B2]\n"
    "  transitions {\n"
    "    B1 -> B2 on \"go\"\n"
    "  }\n"
    "}\n";

constexpr const char* kGraphviz = "/usr/bin/dot";

}  // namespace

TEST_CASE("graph: dot output is a digraph of the seed machine") {
  for (const auto& seed : seedPaths()) {
    CAPTURE(seed.string());
    const auto result = approvalc({"graph", seed.string()});
    REQUIRE_EXIT(result, kExitSuccess);
    CHECK(startsWith(result.out, "digraph"));
    CHECK(contains(result.out, "leave-approval"));
    for (const char* state : {"DRAFT", "SUBMITTED", "REVIEWING", "APPROVED", "REJECTED", "CANCELLED"}) {
      CAPTURE(std::string(state));
      CHECK(contains(result.out, state));
    }
    CHECK(contains(result.out, "->"));
    CHECK(contains(result.out, "submit"));

    const auto explicitFormat = approvalc({"graph", "--format", "dot", seed.string()});
    REQUIRE_EXIT(explicitFormat, kExitSuccess);
    CHECK(explicitFormat.out == result.out);
  }
}

TEST_CASE("graph: dot output is accepted by Graphviz") {
  if (!std::filesystem::exists(kGraphviz)) {
    MESSAGE("skipped: " << kGraphviz << " is not installed");
    return;
  }
  const auto graph = approvalc({"graph", sharedSeedPath().string()});
  REQUIRE_EXIT(graph, kExitSuccess);
  const auto svg = runProcess({kGraphviz, "-Tsvg"}, withStdin(graph.out));
  CHECK_EXIT(svg, 0);
  CHECK(contains(svg.out, "<svg"));
  CHECK(contains(svg.out, "DRAFT"));
}

TEST_CASE("graph: mermaid output is a state diagram with a start arrow") {
  for (const auto& seed : seedPaths()) {
    CAPTURE(seed.string());
    const auto result = approvalc({"graph", "--format", "mermaid", seed.string()});
    REQUIRE_EXIT(result, kExitSuccess);
    CHECK(startsWith(result.out, "stateDiagram-v2"));
    CHECK(contains(result.out, "[*] -->"));
    CHECK(contains(result.out, "DRAFT"));
    CHECK(contains(result.out, "submit"));
  }
}

TEST_CASE("graph: text output ends with a newline") {
  for (const char* format : {"dot", "mermaid"}) {
    CAPTURE(std::string(format));
    const auto result = approvalc({"graph", "--format", format, sharedSeedPath().string()});
    REQUIRE_EXIT(result, kExitSuccess);
    REQUIRE_FALSE(result.out.empty());
    CHECK(result.out.back() == '\n');
  }
}

TEST_CASE("graph: -o writes the graph to a file") {
  TempDir dir;
  const auto output = dir.path() / "graph.dot";
  const auto result = approvalc({"graph", sharedSeedPath().string(), "-o", output.string()});
  REQUIRE_EXIT(result, kExitSuccess);
  CHECK(result.out.empty());
  CHECK(startsWith(readFile(output), "digraph"));
}

TEST_CASE("graph: a file with two machines needs --machine") {
  TempDir dir;
  const auto input = dir.write("two.dsl", kTwoMachines);

  const auto ambiguous = approvalc({"graph", input.string()});
  CHECK_EXIT(ambiguous, kExitUsage);
  INFO(ambiguous.err);
  CHECK(contains(ambiguous.err, "--machine"));
  CHECK(contains(ambiguous.err, "alpha"));
  CHECK(contains(ambiguous.err, "beta"));
  CHECK(ambiguous.out.empty());

  const auto beta = approvalc({"graph", input.string(), "--machine", "beta"});
  CHECK_EXIT(beta, kExitSuccess);
  CHECK(startsWith(beta.out, "digraph"));
  CHECK(contains(beta.out, "B1"));
  CHECK_FALSE(contains(beta.out, "A1"));

  const auto alpha = approvalc({"graph", "--format", "mermaid", "--machine", "alpha", input.string()});
  CHECK_EXIT(alpha, kExitSuccess);
  CHECK(startsWith(alpha.out, "stateDiagram-v2"));
  CHECK(contains(alpha.out, "A1"));
  CHECK_FALSE(contains(alpha.out, "B1"));

  const auto unknown = approvalc({"graph", input.string(), "--machine", "gamma"});
  CHECK_EXIT(unknown, kExitUsage);
  CHECK(contains(unknown.err, "gamma"));
}

TEST_CASE("graph: a file with errors exits 1 and draws nothing") {
  TempDir dir;
  const auto input = dir.write("bad.dsl", "state machine \"bad\" {\n  initial: NOPE\n  states: [A]\n}\n");
  const auto result = approvalc({"graph", input.string()});
  CHECK_EXIT(result, kExitInputErrors);
  CHECK_FALSE(locatedErrors(result.err, input.string()).empty());
  CHECK(result.out.empty());
}
