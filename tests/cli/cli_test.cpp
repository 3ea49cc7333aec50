// End-to-end tests of `approvalc FILE...`: the seed example compiles, and each --emit stage
// and -o work. The other topics are in the sibling *_test.cpp files; this one holds main().
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "cli_support.h"

using namespace cli;

TEST_CASE("the approvalc binary under test exists") {
  INFO("APPROVALC_PATH = " << approvalcPath());
  REQUIRE(std::filesystem::exists(approvalcPath()));
  REQUIRE(std::filesystem::exists(sharedSeedPath()));
}

TEST_CASE("compile: the seed example compiles with exit 0 and prints the IR") {
  for (const auto& seed : seedPaths()) {
    CAPTURE(seed.string());
    const auto result = approvalc({seed.string()});
    REQUIRE_EXIT(result, kExitSuccess);
    const auto ir = nlohmann::json::parse(result.out);
    CHECK(ir.at("format") == "approval-ir");
    // Warnings are allowed, errors are not.
    CHECK(locatedErrors(result.err, seed.string()).empty());
    CHECK_FALSE(contains(result.err, "error["));
  }
}

TEST_CASE("compile: -o writes the IR as JSON with the machine and its six states") {
  for (const auto& seed : seedPaths()) {
    CAPTURE(seed.string());
    TempDir dir;
    const auto output = dir.path() / "out.json";
    const auto result = approvalc({seed.string(), "-o", output.string()});
    REQUIRE_EXIT(result, kExitSuccess);
    CHECK(result.out.empty());  // the IR went to the file
    REQUIRE(std::filesystem::exists(output));

    const auto ir = nlohmann::json::parse(readFile(output));
    CHECK(ir.at("format") == "approval-ir");
    REQUIRE(ir.at("machines").is_array());
    REQUIRE(ir.at("machines").size() == 1);
    const auto& machine = ir.at("machines").at(0);
    CHECK(machine.at("name") == "leave-approval");
    const auto& states = machine.at("states");
    REQUIRE(states.size() == 6);
    std::vector<std::string> names;
    for (const auto& state : states) names.push_back(state.at("name").get<std::string>());
    CHECK(names == std::vector<std::string>{"DRAFT", "SUBMITTED", "REVIEWING", "APPROVED", "REJECTED", "CANCELLED"});
    CHECK(machine.at("transitions").size() == 3);
    // The initial state is DRAFT, given by index or by name.
    const auto& initial = machine.at("initial");
    CHECK((initial == 0 || initial == "DRAFT"));
  }
}

TEST_CASE("compile: -o overwrites an existing file") {
  TempDir dir;
  const auto output = dir.write("out.json", std::string(100000, 'x'));
  const auto result = approvalc({sharedSeedPath().string(), "-o", output.string()});
  REQUIRE_EXIT(result, kExitSuccess);
  const auto ir = nlohmann::json::parse(readFile(output));
  CHECK(ir.at("format") == "approval-ir");
}

TEST_CASE("compile: --emit ir prints the same IR that -o writes") {
  TempDir dir;
  const auto output = dir.path() / "out.json";
  const auto toFile = approvalc({sharedSeedPath().string(), "-o", output.string()});
  REQUIRE_EXIT(toFile, kExitSuccess);
  const auto toStdout = approvalc({"--emit", "ir", sharedSeedPath().string()});
  REQUIRE_EXIT(toStdout, kExitSuccess);
  const auto ir = nlohmann::json::parse(toStdout.out);
  CHECK(ir.at("format") == "approval-ir");
  CHECK(ir.at("machines").at(0).at("name") == "leave-approval");
  CHECK(ir == nlohmann::json::parse(readFile(output)));
}

TEST_CASE("compile: --emit ast prints the machine") {
  for (const auto& seed : seedPaths()) {
    CAPTURE(seed.string());
    const auto result = approvalc({seed.string(), "--emit", "ast"});
    REQUIRE_EXIT(result, kExitSuccess);
    CHECK(contains(result.out, "Machine \"leave-approval\""));
    for (const char* state : {"DRAFT", "SUBMITTED", "REVIEWING", "APPROVED", "REJECTED", "CANCELLED"}) {
      CAPTURE(std::string(state));
      CHECK(contains(result.out, state));
    }
    CHECK(contains(result.out, "hasQuorum"));
  }
}

TEST_CASE("compile: --emit tokens prints one token per line with its location") {
  const auto seed = sharedSeedPath().string();
  const auto result = approvalc({"--emit", "tokens", seed});
  REQUIRE_EXIT(result, kExitSuccess);
  CHECK(contains(result.out, " IDENT "));
  CHECK(contains(result.out, " ARROW "));
  // Every line starts with FILE:LINE:COL.
  std::size_t lines = 0;
  std::size_t start = 0;
  while (start < result.out.size()) {
    auto end = result.out.find('\n', start);
    if (end == std::string::npos) end = result.out.size();
    const std::string line = result.out.substr(start, end - start);
    start = end + 1;
    CAPTURE(line);
    CHECK(startsWith(line, seed + ":"));
    ++lines;
  }
  CHECK(lines > 50);  // the seed has well over 50 tokens
  // `→` (U+2192) is an ARROW token at line 5, after `DRAFT`.
  CHECK(contains(result.out, seed + ":5:5 IDENT \"DRAFT\""));
  CHECK(contains(result.out, seed + ":5:11 ARROW"));
}

TEST_CASE("compile: several input files are compiled together") {
  TempDir dir;
  const auto first = dir.write("first.dsl", simpleMachine("first"));
  const auto second = dir.write("second.dsl", simpleMachine("second"));
  const auto result = approvalc({first.string(), second.string()});
  REQUIRE_EXIT(result, kExitSuccess);
  const auto ir = nlohmann::json::parse(result.out);
  REQUIRE(ir.at("machines").size() == 2);
  std::vector<std::string> names;
  for (const auto& machine : ir.at("machines")) names.push_back(machine.at("name").get<std::string>());
  CHECK(std::find(names.begin(), names.end(), "first") != names.end());
  CHECK(std::find(names.begin(), names.end(), "second") != names.end());
}

TEST_CASE("compile: errors give exit 1 and write no output file") {
  TempDir dir;
  const auto input = dir.write("bad.dsl", "state machine \"bad\" {\n  initial: NOPE\n  states: [A]\n}\n");
  const auto output = dir.path() / "out.json";
  const auto result = approvalc({input.string(), "-o", output.string()});
  CHECK_EXIT(result, kExitInputErrors);
  CHECK_FALSE(locatedErrors(result.err, input.string()).empty());
  CHECK_FALSE(std::filesystem::exists(output));
  CHECK(result.out.empty());
}

TEST_CASE("compile: standard input is read for the file name -") {
  const auto good = approvalc({"-"}, withStdin(readFile(sharedSeedPath())));
  REQUIRE_EXIT(good, kExitSuccess);
  CHECK(nlohmann::json::parse(good.out).at("machines").at(0).at("name") == "leave-approval");

  const auto bad = approvalc({"check", "-"}, withStdin("state machine \"m\" {\n  initial: X\n"));
  CHECK_EXIT(bad, kExitInputErrors);
  CHECK_FALSE(locatedErrors(bad.err, "<stdin>").empty());
}

TEST_CASE("compile: --emit llvm prints the guards' LLVM IR, one module per machine") {
  const auto result = approvalc({"--emit", "llvm", sharedSeedPath().string()});
  REQUIRE_EXIT(result, kExitSuccess);
  CHECK(contains(result.out, "; machine \"leave-approval\" (sha256:"));
  CHECK(contains(result.out, "): 1 guard; approval_entry_N"));  // not "1 guards"
  CHECK(contains(result.out, "define i32 @approval_entry_0(i8* %context, i8* %event, i8* %state, i8* %constants, i8* %outcome)"));
  CHECK(contains(result.out, "@approval_jit_has_quorum"));  // hasQuorum() is a registered helper
  CHECK(contains(result.out, "target triple"));
  // The header stays one comment line whatever the machine's name holds.
  TempDir dir;
  const auto twoLines = dir.write("two-lines.dsl", "state machine \"leave\\nrequest\" { initial: A states: [A, B]\n"
                                                   "  transitions { A → B on \"go\" if 1 < 2 } }\n");
  const auto named = approvalc({"--emit", "llvm", twoLines.string()});
  REQUIRE_EXIT(named, kExitSuccess);
  CHECK(contains(named.out, "; machine \"leave\\nrequest\" (sha256:"));
  CHECK_FALSE(contains(named.out, "\nrequest"));
  // -O0 keeps the unoptimised shape: the entry block and the error exit.
  const auto unoptimised = approvalc({"--emit", "llvm", "--opt-level", "0", sharedSeedPath().string()});
  REQUIRE_EXIT(unoptimised, kExitSuccess);
  CHECK(contains(unoptimised.out, "error.exit:"));
  CHECK(unoptimised.out != result.out);
  // Both are valid LLVM IR: LLVM 14's own `opt` reads them back.
  const std::string opt = "/usr/lib/llvm-14/bin/opt";
  if (std::filesystem::exists(opt)) {
    for (const auto* text : {&result.out, &unoptimised.out}) {
      ProcessOptions options;
      options.stdinText = *text;
      const auto verified = runProcess({opt, "-S", "-o", "/dev/null"}, options);
      INFO(verified.err);
      CHECK(verified.exited);
      CHECK(verified.exitCode == 0);
    }
  }
}
