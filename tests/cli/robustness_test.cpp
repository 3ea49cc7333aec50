// Hostile and broken inputs: approvalc must answer each with exit 1 and a located
// diagnostic `FILE:LINE:COL: error[CODE]`, and never crash (signal) or hang (timeout).
#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>
#include <random>

#include "cli_support.h"

using namespace cli;

namespace {

/// A machine whose single guard is `guard`, on line 6 at column 23.
std::string machineWithGuard(const std::string& guard) {
  return "state machine \"m\" {\n"
         "  initial: A\n"
         "  states: [A, B]\n"
         "  context { a: int, b: bool, s: string, l: list<int> }\n"
         "  transitions {\n"
         "    A -> B on \"go\" if " +
         guard +
         "\n"
         "  }\n"
         "}\n";
}

std::string repeat(const std::string& part, std::size_t count) {
  std::string out;
  out.reserve(part.size() * count);
  for (std::size_t i = 0; i < count; ++i) out += part;
  return out;
}

/// Runs `check` and the compile command on `file` and expects exit 1 with a located error
/// (with `code`, when given) in stderr, valid UTF-8, and no NUL byte in the output.
void expectLocatedError(const std::filesystem::path& file, const std::string& code = {},
                        const std::vector<std::string>& extraArgs = {}) {
  for (const bool checkCommand : {true, false}) {
    std::vector<std::string> args;
    if (checkCommand) args.emplace_back("check");
    args.insert(args.end(), extraArgs.begin(), extraArgs.end());
    args.push_back(file.string());
    CAPTURE(checkCommand);
    const auto result = approvalc(args);
    CHECK_EXIT(result, kExitInputErrors);
    const auto errors = locatedErrors(result.err, file.string());
    INFO("stderr: " << result.err.substr(0, 2000));
    CHECK_FALSE(errors.empty());
    if (!code.empty()) CHECK(findError(result.err, file.string(), code).has_value());
    CHECK(isValidUtf8(result.err));
    CHECK(result.err.find('\0') == std::string::npos);
    CHECK(result.out.empty());
  }
}

/// The JSON report of `check --format json`, after checking the process ended normally.
nlohmann::json checkJson(const std::filesystem::path& file, int expectedExit) {
  const auto result = approvalc({"check", "--format", "json", file.string()});
  CHECK_EXIT(result, expectedExit);
  INFO("stdout: " << result.out.substr(0, 2000));
  nlohmann::json report;
  CHECK_NOTHROW(report = nlohmann::json::parse(result.out));
  return report;
}

std::string randomBytes(std::uint32_t seed, std::size_t size) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> byte(0, 255);
  std::string out(size, '\0');
  for (auto& c : out) c = static_cast<char>(byte(generator));
  return out;
}

std::string randomPrintable(std::uint32_t seed, std::size_t size) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<int> pick(0, 96);
  std::string out;
  out.reserve(size);
  while (out.size() < size) {
    const int value = pick(generator);
    out += value == 96 ? '\n' : static_cast<char>(' ' + value);  // ' '..'~' and newlines
  }
  return out;
}

const std::vector<std::string> kDslTokens = {"state",
                                             "machine",
                                             "\"m\"",
                                             "{",
                                             "}",
                                             "[",
                                             "]",
                                             "(",
                                             ")",
                                             "->",
                                             "\xE2\x86\x92",
                                             "on",
                                             "after",
                                             "if",
                                             "initial",
                                             ":",
                                             "states",
                                             "final",
                                             "transitions",
                                             "routes",
                                             "context",
                                             "events",
                                             "quorum",
                                             "version",
                                             "compensate",
                                             "of",
                                             "all",
                                             "60",
                                             "%",
                                             "A",
                                             "B",
                                             "C",
                                             "\xE8\x8D\x89\xE7\xA8\xBF",
                                             "\"go\"",
                                             "\"x\"",
                                             ",",
                                             ".",
                                             "*",
                                             "48h",
                                             "0ms",
                                             "1h30m",
                                             "int",
                                             "string",
                                             "list",
                                             "<",
                                             ">",
                                             "map",
                                             "bool",
                                             "=",
                                             "==",
                                             "!=",
                                             "&&",
                                             "||",
                                             "!",
                                             "-",
                                             "+",
                                             "/",
                                             "?",
                                             "in",
                                             "true",
                                             "false",
                                             "null",
                                             "1",
                                             "0x1F",
                                             "2u",
                                             "1.5e3",
                                             "r\"raw\"",
                                             "b\"x\"",
                                             "'s'",
                                             "\"\"\"",
                                             "emit",
                                             "set",
                                             "size",
                                             "has",
                                             "hasQuorum",
                                             "event",
                                             "event.actor",
                                             "now()",
                                             "/*",
                                             "*/",
                                             "//",
                                             "#",
                                             "\n",
                                             "\n",
                                             " ",
                                             "\"",
                                             "'",
                                             "9999999999999999999999",
                                             "\\",
                                             "@",
                                             "$"};

std::string randomTokens(std::uint32_t seed, std::size_t size, const std::string& prefix = {}) {
  std::mt19937 generator(seed);
  std::uniform_int_distribution<std::size_t> pick(0, kDslTokens.size() - 1);
  std::string out = prefix;
  while (out.size() < size) {
    out += kDslTokens[pick(generator)];
    out += ' ';
  }
  return out;
}

constexpr std::uint32_t kSeeds = 20;

}  // namespace

TEST_CASE("robustness: 100000 nested parentheses in a guard") {
  TempDir dir;
  const auto file = dir.write("parens.dsl", machineWithGuard(repeat("(", 100000) + "true" + repeat(")", 100000)));
  expectLocatedError(file, "E0106");
  const auto error = findError(approvalc({"check", file.string()}).err, file.string(), "E0106");
  REQUIRE(error.has_value());
  CHECK(error->line == 6);
}

TEST_CASE("robustness: 100000 nested brackets and braces in a guard") {
  TempDir dir;
  const auto lists =
      dir.write("lists.dsl", machineWithGuard(repeat("[", 100000) + "1" + repeat("]", 100000) + " == []"));
  expectLocatedError(lists, "E0106");
  const auto maps =
      dir.write("maps.dsl", machineWithGuard(repeat("{1: ", 100000) + "1" + repeat("}", 100000) + " == {}"));
  expectLocatedError(maps, "E0106");
}

TEST_CASE("robustness: 100000 unclosed parentheses") {
  TempDir dir;
  const auto file = dir.write("open.dsl", machineWithGuard(repeat("(", 100000)));
  expectLocatedError(file);
}

TEST_CASE("robustness: 100000 negations in a row") {
  TempDir dir;
  const auto file = dir.write("bang.dsl", machineWithGuard(repeat("!", 100000) + "true"));
  expectLocatedError(file, "E0106");
  const auto minus = dir.write("minus.dsl", machineWithGuard(repeat("-", 100000) + "a > 0"));
  expectLocatedError(minus, "E0106");
}

TEST_CASE("robustness: a guard chain of 100000 terms") {
  TempDir dir;
  std::string chain = "a";
  for (int i = 1; i < 100000; ++i) chain += " + a";
  const auto file = dir.write("chain.dsl", machineWithGuard(chain + " > 0"));
  expectLocatedError(file);
  // The error is located on the guard's line.
  const auto errors = locatedErrors(approvalc({"check", file.string()}).err, file.string());
  REQUIRE_FALSE(errors.empty());
  CHECK(errors.front().line == 6);
}

TEST_CASE("robustness: long chains of other operators") {
  TempDir dir;
  struct Chain {
    const char* name;
    std::string guard;
  };
  std::string andChain = "b";
  std::string orChain = "b";
  std::string compare = "a";
  std::string member = "s";
  std::string ternary;
  for (int i = 1; i < 100000; ++i) {
    andChain += " && b";
    orChain += " || b";
    compare += " < a";
  }
  for (int i = 0; i < 30000; ++i) member += ".size()";
  for (int i = 0; i < 30000; ++i) ternary += "b ? true : ";
  ternary += "false";
  for (const auto& chain : {Chain{"and", andChain}, Chain{"or", orChain}, Chain{"compare", compare},
                            Chain{"member", member}, Chain{"ternary", ternary}}) {
    CAPTURE(std::string(chain.name));
    const auto file = dir.write(std::string(chain.name) + ".dsl", machineWithGuard(chain.guard));
    expectLocatedError(file);
  }
}

TEST_CASE("robustness: deep nesting within the largest --max-nesting does not crash") {
  // The largest limit the CLI accepts must be safe: the parser and every later stage may
  // not run out of stack just under it.
  TempDir dir;
  struct Case {
    const char* name;
    std::string guard;
  };
  const std::size_t depth = 500;  // the largest accepted --max-nesting is 512
  for (const auto& item :
       {Case{"parens", repeat("(", depth) + "true" + repeat(")", depth)},
        Case{"lists", repeat("[", depth) + "1" + repeat("]", depth) + " == []"},
        Case{"calls", repeat("size(", depth) + "\"x\"" + repeat(")", depth) + " > 0"},
        Case{"bangs", repeat("!", depth) + "true"}, Case{"terms", "a" + repeat(" + a", depth) + " > 0"}}) {
    CAPTURE(std::string(item.name));
    const auto file = dir.write(std::string(item.name) + ".dsl", machineWithGuard(item.guard));
    for (const char* command : {"check", "graph"}) {
      CAPTURE(std::string(command));
      const auto result = approvalc({command, "--max-nesting", "512", file.string()});
      CHECK_NO_CRASH(result);
      INFO(result.describe());
      CHECK((result.exitCode == kExitSuccess || result.exitCode == kExitInputErrors));
      if (result.exitCode == kExitInputErrors) CHECK_FALSE(locatedErrors(result.err, file.string()).empty());
    }
  }
}

TEST_CASE("robustness: --max-nesting lowers the limit") {
  TempDir dir;
  const auto file = dir.write("twenty.dsl", machineWithGuard(repeat("(", 20) + "true" + repeat(")", 20)));
  const auto ok = approvalc({"check", file.string()});
  CHECK_EXIT(ok, kExitSuccess);
  expectLocatedError(file, "E0106", {"--max-nesting", "10"});
  // Out of its range it is a usage error.
  CHECK_EXIT(approvalc({"check", "--max-nesting", "0", file.string()}), kExitUsage);
  CHECK_EXIT(approvalc({"check", "--max-nesting", "100000", file.string()}), kExitUsage);
  CHECK_EXIT(approvalc({"check", "--max-nesting", "lots", file.string()}), kExitUsage);
}

TEST_CASE("robustness: a file whose `*` lines expand past --max-transitions is refused at the line that passes it") {
  // 1,000 states and 1,000 `*` lines: 30 KB that would be a million transitions.
  std::string text = "state machine \"stars\" {\n  initial: S0\n  final: [S1]\n  states: [S0";
  for (int i = 1; i < 1000; ++i) text += ", S" + std::to_string(i);
  text += "]\n  transitions {\n";
  for (int i = 0; i < 1000; ++i) text += "    * -> S" + std::to_string(i) + " on \"e" + std::to_string(i) + "\"\n";
  text += "  }\n}\n";
  TempDir dir;
  const auto file = dir.write("stars.dsl", text);
  // 999 states that are not final: the 101st line passes 100,000, on line 6 + 100.
  expectLocatedError(file, "E0110");
  const auto error = findError(approvalc({"check", file.string()}).err, file.string(), "E0110");
  REQUIRE(error.has_value());
  CHECK(error->line == 106);
  // Lowered, the limit applies sooner; raised, the file compiles (here only checked).
  const auto lowered = findError(approvalc({"check", "--max-transitions", "1000", file.string()}).err,
                                 file.string(), "E0110");
  REQUIRE(lowered.has_value());
  CHECK(lowered->line == 7);
  CHECK_EXIT(approvalc({"check", "--max-transitions", "1000000", file.string()}), kExitSuccess);
  CHECK_EXIT(approvalc({"check", "--max-transitions", "0", file.string()}), kExitUsage);
  CHECK_EXIT(approvalc({"check", "--max-transitions", "many", file.string()}), kExitUsage);

  // The label says what the passing line adds, in words that fit it.
  const auto plain = dir.write("plain.dsl", "state machine \"p\" {\n  initial: A\n  states: [A, B]\n  final: [B]\n"
                                            "  transitions {\n    A -> B on \"a\"\n    A -> B on \"b\"\n    * -> B on \"c\"\n  }\n}\n");
  const auto once = approvalc({"check", "--max-transitions", "1", plain.string()});
  CHECK(contains(once.err, "passes the limit here: this transition is one more"));
  const auto star = approvalc({"check", "--max-transitions", "2", plain.string()});
  CHECK(contains(star.err, "passes the limit here: `*` stands for its 1 state that is not final"));
}

TEST_CASE("robustness: 4 KB of random bytes") {
  TempDir dir;
  for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
    CAPTURE(seed);
    const auto file = dir.write("random-" + std::to_string(seed) + ".dsl", randomBytes(seed, 4096));
    expectLocatedError(file);
    const auto report = checkJson(file, kExitInputErrors);
    if (report.is_object()) CHECK(report.at("errors").get<int>() >= 1);
  }
}

TEST_CASE("robustness: 4 KB of random printable ASCII") {
  TempDir dir;
  for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
    CAPTURE(seed);
    const auto file = dir.write("printable-" + std::to_string(seed) + ".dsl", randomPrintable(seed, 4096));
    // Random text is never a valid machine.
    expectLocatedError(file);
    checkJson(file, kExitInputErrors);
  }
}

TEST_CASE("robustness: 4 KB of random DSL tokens") {
  TempDir dir;
  for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
    CAPTURE(seed);
    const auto file = dir.write("tokens-" + std::to_string(seed) + ".dsl", randomTokens(seed, 4096));
    for (const std::vector<std::string>& args :
         {std::vector<std::string>{"check", file.string()}, std::vector<std::string>{file.string()},
          std::vector<std::string>{"graph", file.string()}}) {
      CAPTURE(args.front());
      const auto result = approvalc(args);
      CHECK_NO_CRASH(result);
      INFO(result.describe());
      CHECK((result.exitCode == kExitSuccess || result.exitCode == kExitInputErrors ||
             (args.front() == "graph" && result.exitCode == kExitUsage)));  // several machines
      if (result.exitCode == kExitInputErrors) CHECK_FALSE(locatedErrors(result.err, file.string()).empty());
      CHECK(isValidUtf8(result.err));
    }
  }
}

TEST_CASE("robustness: random guard tokens inside a valid machine") {
  TempDir dir;
  const std::string prefix =
      "state machine \"m\" {\n  initial: A\n  states: [A, B]\n  context { a: int }\n  transitions {\n"
      "    A -> B on \"go\" if ";
  for (std::uint32_t seed = 1; seed <= kSeeds; ++seed) {
    CAPTURE(seed);
    const auto file =
        dir.write("guard-" + std::to_string(seed) + ".dsl", randomTokens(seed, 4096, prefix) + "\n  }\n}\n");
    for (const char* command : {"check", "graph"}) {
      CAPTURE(std::string(command));
      const auto result = approvalc({command, file.string()});
      CHECK_NO_CRASH(result);
      INFO(result.describe());
      CHECK((result.exitCode == kExitSuccess || result.exitCode == kExitInputErrors));
      if (result.exitCode == kExitInputErrors) CHECK_FALSE(locatedErrors(result.err, file.string()).empty());
    }
  }
}

TEST_CASE("robustness: an empty file declares no state machine") {
  TempDir dir;
  const auto file = dir.write("empty.dsl", "");
  expectLocatedError(file, "E0108");
  const auto result = approvalc({"check", file.string()});
  CHECK(contains(result.err, "declares no state machine"));
}

TEST_CASE("robustness: a file with only whitespace and comments") {
  TempDir dir;
  const auto file = dir.write("blank.dsl", "  \n\t\n// a comment\n# another\n/* a block\n   comment */\n\r\n   \n");
  expectLocatedError(file, "E0108");
  CHECK(contains(approvalc({"check", file.string()}).err, "declares no state machine"));
}

TEST_CASE("robustness: a missing closing brace points at the opening one") {
  TempDir dir;
  const auto file = dir.write("unclosed.dsl",
                              "state machine \"m\" {\n"
                              "  initial: A\n"
                              "  states: [A, B]\n"
                              "  transitions {\n"
                              "    A -> B on \"go\"\n"
                              "  }\n");
  expectLocatedError(file);
  const auto result = approvalc({"check", file.string()});
  INFO(result.err);
  CHECK(contains(result.err, "never closed"));
  // The machine's `{` is at line 1, column 19.
  CHECK(contains(result.err, file.string() + ":1:19"));
}

TEST_CASE("robustness: an unterminated string") {
  TempDir dir;
  const auto file = dir.write("string.dsl",
                              "state machine \"m\" {\n"
                              "  initial: A\n"
                              "  states: [A, B]\n"
                              "  transitions {\n"
                              "    A -> B on \"go\n"
                              "  }\n"
                              "}\n");
  expectLocatedError(file, "E0104");
  const auto error = findError(approvalc({"check", file.string()}).err, file.string(), "E0104");
  REQUIRE(error.has_value());
  CHECK(error->line == 5);
  CHECK(error->column == 15);
}

TEST_CASE("robustness: an unterminated block comment") {
  TempDir dir;
  const auto file = dir.write("comment.dsl",
                              "state machine \"m\" {\n"
                              "  initial: A\n"
                              "  /* this comment\n"
                              "     is never closed\n"
                              "  states: [A, B]\n"
                              "}\n");
  expectLocatedError(file, "E0105");
  const auto error = findError(approvalc({"check", file.string()}).err, file.string(), "E0105");
  REQUIRE(error.has_value());
  CHECK(error->line == 3);
  CHECK(error->column == 3);
}

TEST_CASE("robustness: invalid UTF-8 is located at its line and column") {
  TempDir dir;
  struct Case {
    const char* name;
    std::string text;
    std::uint32_t line;
    std::uint32_t column;
  };
  const std::string head = "state machine \"m\" {\n  initial: A\n";
  for (const auto& item : {
           Case{"lone byte FF", head + "  states: [A, B\xFF]\n}\n", 3, 16},
           Case{"stray continuation byte", head + "  states: [A, B]\n  \x80\n}\n", 4, 3},
           Case{"truncated sequence", head + "  states: [A, \xE8\x8D]\n}\n", 3, 15},
           Case{"overlong encoding", head + "  states: [A, \xC0\xAF]\n}\n", 3, 15},
           Case{"surrogate", head + "  states: [A, \xED\xA0\x80]\n}\n", 3, 15},
           Case{"in a string", "state machine \"bad\xFE name\" {\n  initial: A\n  states: [A]\n}\n", 1, 19},
           Case{"in a comment", head + "  # caf\xE9\n  states: [A]\n}\n", 3, 8},
       }) {
    CAPTURE(std::string(item.name));
    const auto file = dir.write("utf8.dsl", item.text);
    expectLocatedError(file, "E0101");
    const auto error = findError(approvalc({"check", file.string()}).err, file.string(), "E0101");
    REQUIRE(error.has_value());
    CHECK(error->line == item.line);
    CHECK(error->column == item.column);
    // The JSON report carries the same location and is itself valid JSON (the bad byte
    // must not be copied into it).
    const auto report = checkJson(file, kExitInputErrors);
    if (report.is_object() && !report.at("diagnostics").empty()) {
      CHECK(report.at("diagnostics").at(0).at("line") == item.line);
      CHECK(report.at("diagnostics").at(0).at("column") == item.column);
    }
  }
}

TEST_CASE("robustness: a file over --max-file-bytes") {
  TempDir dir;
  const std::string text = simpleMachine();
  const auto file = dir.write("big.dsl", text);
  const auto limit = std::to_string(text.size() - 1);
  expectLocatedError(file, "E0107", {"--max-file-bytes", limit});
  // At exactly the limit the file is accepted.
  CHECK_EXIT(approvalc({"check", "--max-file-bytes", std::to_string(text.size()), file.string()}), kExitSuccess);
  // The option is accepted before and after the subcommand.
  CHECK_EXIT(approvalc({"--max-file-bytes", limit, "check", file.string()}), kExitInputErrors);
  CHECK_EXIT(approvalc({"graph", "--max-file-bytes", limit, file.string()}), kExitInputErrors);
  CHECK_EXIT(approvalc({"check", "--max-file-bytes", "0", file.string()}), kExitUsage);
}

TEST_CASE("robustness: a file of millions of tokens within the size limit stops at --max-tokens, in bounded memory") {
  // 10,000,001 tokens in 30 MB: the parser kept every token and a tree node for each, about
  // 430 bytes a token (4.3 GB here; 11 GB for a 64 MiB file), and ran out of memory. Now it
  // stops after the limit's 2,000,000 tokens, before any tree: well within 2 GB.
  TempDir dir;
  std::string text = "state machine \"m\" {\n  initial: A\n  states: [A";
  for (int i = 0; i < 5'000'000; ++i) text += ", B";
  text += "]\n}\n";
  const auto file = dir.write("tokens.dsl", text);
  const auto result = runProcess({"/bin/sh", "-c", addressSpaceCap(2'000'000) + "exec \"$0\" check \"$1\"", approvalcPath(),
                                  file.string()});
  CHECK_EXIT(result, kExitInputErrors);
  const auto error = findError(result.err, file.string(), "E0111");
  REQUIRE(error.has_value());
  CHECK(error->message == "the file has more than 2000000 tokens");
  CHECK(error->line == 3);
  // Within a raised limit the file is read whole (and its duplicate states reported).
  const auto small = dir.write("small.dsl", "state machine \"m\" {\n  initial: A\n  states: [A, B, B]\n}\n");
  CHECK(findError(approvalc({"check", small.string(), "--max-tokens", "16"}).err, small.string(), "E0111").has_value());
  const auto raised = approvalc({"check", small.string(), "--max-tokens", "17"});
  CHECK(findError(raised.err, small.string(), "E0111") == std::nullopt);
  CHECK(findError(raised.err, small.string(), "E0202").has_value());
}

TEST_CASE("robustness: --max-file-bytes is a limit, not an allocation: any value reads the file as it is") {
  TempDir dir;
  const auto file = dir.write("m.dsl", simpleMachine());
  // The whole limit was allocated up front: 5 GB for a 5e9 limit (bad_alloc under a 1 GB
  // address space), and the largest value wrapped to a limit of 0 bytes (a false E0108).
  for (const char* limit : {"5000000000", "1000000000000", "18446744073709551615"}) {
    INFO(limit);
    const auto result = runProcess({"/bin/sh", "-c", addressSpaceCap(1'000'000) + "exec \"$0\" check \"$1\" --max-file-bytes \"$2\"",
                                    approvalcPath(), file.string(), limit});
    CHECK_EXIT(result, kExitSuccess);
  }
  // Standard input is read up to the limit too.
  const auto piped = approvalc({"check", "-", "--max-file-bytes", "100"}, withStdin(simpleMachine() + std::string(5000, ' ')));
  CHECK_EXIT(piped, kExitInputErrors);
  CHECK(contains(piped.err, "E0107"));
  // Values that are no count say so plainly.
  const auto zero = approvalc({"check", file.string(), "--max-file-bytes", "0"});
  CHECK(contains(zero.err, "--max-file-bytes: `0` is not a whole number of 1 or more"));
  const auto huge = approvalc({"check", file.string(), "--max-transitions", "18446744073709551616"});
  CHECK_EXIT(huge, kExitUsage);
  CHECK(contains(huge.err, "--max-transitions: `18446744073709551616` is too large"));
  CHECK_EXIT(approvalc({"check", file.string(), "--max-file-bytes", "-1"}), kExitUsage);
  CHECK_EXIT(approvalc({"check", file.string(), "--max-file-bytes", "abc"}), kExitUsage);
}

TEST_CASE("robustness: the size limit message states no wrong size") {
  // The driver reads only limit+1 bytes; the message must not claim the file has that size.
  TempDir dir;
  const std::string text = simpleMachine() + std::string(5000, '\n');
  const auto file = dir.write("big.dsl", text);
  const auto result = approvalc({"check", "--max-file-bytes", "100", file.string()});
  CHECK_EXIT(result, kExitInputErrors);
  const auto error = findError(result.err, file.string(), "E0107");
  REQUIRE(error.has_value());
  INFO(error->message);
  CHECK_FALSE(contains(error->message, "is 101 bytes"));
  CHECK((contains(error->message, std::to_string(text.size())) || contains(error->message, "more than") ||
         contains(error->message, "larger than")));
}

TEST_CASE("robustness: a large file within the limit") {
  // 10,000 states and transitions: compiles in time, without a crash.
  std::string text = "state machine \"large\" {\n  initial: S0\n  states: [S0";
  constexpr int kStates = 10000;
  for (int i = 1; i < kStates; ++i) text += ", S" + std::to_string(i);
  text += "]\n  transitions {\n";
  for (int i = 0; i + 1 < kStates; ++i) {
    text += "    S" + std::to_string(i) + " -> S" + std::to_string(i + 1) + " on \"next\"\n";
  }
  text += "  }\n}\n";
  TempDir dir;
  const auto file = dir.write("large.dsl", text);
  const auto result = approvalc({file.string()});
  CHECK_EXIT(result, kExitSuccess);
  const auto ir = nlohmann::json::parse(result.out);
  CHECK(ir.at("machines").at(0).at("states").size() == kStates);
}

TEST_CASE("robustness: NUL bytes in the file") {
  TempDir dir;
  const std::string withNul = std::string("state machine \"m\" {\n  initial: A") + '\0' + "\n  states: [A]\n}\n";
  const auto file = dir.write("nul.dsl", withNul);
  expectLocatedError(file);
  const auto errors = locatedErrors(approvalc({"check", file.string()}).err, file.string());
  REQUIRE_FALSE(errors.empty());
  CHECK(errors.front().line == 2);
  CHECK(errors.front().column == 13);

  const auto onlyNuls = dir.write("nuls.dsl", std::string(4096, '\0'));
  expectLocatedError(onlyNuls);
  checkJson(onlyNuls, kExitInputErrors);
}

TEST_CASE("robustness: a NUL byte inside a string literal is not echoed raw") {
  // The machine has no states (E0210), and its name holds a NUL: the message quotes the
  // name, and must not write a raw NUL byte to the terminal or CI log.
  TempDir dir;
  const auto file = dir.write("nul-string.dsl", std::string("state machine \"a") + '\0' + "b\" {\n}\n");
  expectLocatedError(file, "E0210");
}

namespace {

/// 30,000 states S0..S29999 and one transition per state, `S<i> → <target(i)> on <event(i)>`,
/// after `events`, when given.
std::string manyNames(const std::string& events, const std::function<std::string(int)>& target,
                      const std::function<std::string(int)>& event) {
  constexpr int kNames = 30000;
  std::string text = "state machine \"many\" {\n" + events + "  initial: S0\n  states: [S0";
  for (int i = 1; i < kNames; ++i) text += ", S" + std::to_string(i);
  text += "]\n  transitions {\n";
  for (int i = 0; i < kNames; ++i) text += "    S" + std::to_string(i) + " -> " + target(i) + " on \"" + event(i) + "\"\n";
  return text + "  }\n}\n";
}

}  // namespace

TEST_CASE("robustness: 30,000 unknown names against 30,000 declared ones are checked without a long search") {
  // Each unknown name was compared with every declared one for its "did you mean": 30,000 x
  // 30,000 comparisons took minutes. Help is now computed only for the 1,000 diagnostics kept.
  TempDir dir;
  const auto unknownStates = dir.write(
      "unknown-states.dsl", manyNames("", [](int i) { return "Q" + std::to_string(i); }, [](int) { return "go"; }));
  const auto result = approvalc({"check", "--format", "json", unknownStates.string()});
  CHECK_EXIT(result, kExitInputErrors);
  const auto report = nlohmann::json::parse(result.out);
  CHECK(report.at("errors") == 1000);  // the ones shown; `notShown` and standard error tell of the others
  CHECK(report.at("notShown") == 29000);
  CHECK(contains(result.err, "note: 29000 more diagnostics were found and not shown: at most 1000 are kept"));
  REQUIRE(report.at("diagnostics").size() == 1000);
  CHECK(report.at("diagnostics").at(0).at("code") == "E0201");
  CHECK(report.at("diagnostics").at(0).at("help") == "did you mean `S0`?");
  // The other machine formats say so too.
  const auto sarif = approvalc({"check", "--format", "sarif", unknownStates.string()});
  CHECK_EXIT(sarif, kExitInputErrors);
  const auto run = nlohmann::json::parse(sarif.out).at("runs").at(0);
  CHECK(run.at("results").size() == 1000);
  CHECK(run.at("properties").at("notShown") == 29000);
  const auto github = approvalc({"check", "--format", "github", unknownStates.string()});
  CHECK_EXIT(github, kExitInputErrors);
  CHECK(std::count(github.out.begin(), github.out.end(), '\n') == 1001);
  CHECK(contains(github.out, "\n::warning title=approvalc::29000 more diagnostics were found and not shown: fix the "
                             "first ones and check again\n"));

  // Transitions on undeclared events one typo away from declared ones (W0303): each search
  // compares the event with all 30,000 declared ones, until the compilation's budget for
  // did-you-mean searches, 2 million comparisons, is spent (66 searches here).
  std::string events = "  events {";
  for (int i = 0; i < 30000; ++i) events += " \"E" + std::to_string(i) + "\"";
  events += " }\n";
  const auto undeclared = dir.write(
      "undeclared-events.dsl",
      manyNames(events, [](int i) { return "S" + std::to_string((i + 1) % 30000); },
                [](int i) { return "X" + std::to_string(i); }));
  const auto warned = approvalc({"check", "--format", "json", undeclared.string()});
  CHECK_EXIT(warned, kExitSuccess);
  const auto warnings = nlohmann::json::parse(warned.out);
  const auto& found = warnings.at("diagnostics");
  CHECK(std::count_if(found.begin(), found.end(), [](const auto& d) { return d.at("code") == "W0303"; }) == 66);
  const auto first = std::find_if(found.begin(), found.end(), [](const auto& d) { return d.at("code") == "W0303"; });
  REQUIRE(first != found.end());
  CHECK(first->at("message") == "event \"X0\" is not declared, but \"E0\" is");
}

TEST_CASE("robustness: a standard input that cannot be read is an I/O error, not an empty input") {
  // A directory as stdin (or a closed one) read as empty: `run --events -` ran no event and
  // exited 0, `check -` reported a file with no machine.
  TempDir dir;
  const auto seed = dir.write("seed.dsl", readFile(sharedSeedPath()));
  ProcessOptions fromDirectory;
  fromDirectory.stdinFile = dir.path().string();
  const auto run = approvalc({"run", seed.string(), "--events", "-"}, fromDirectory);
  CHECK_EXIT(run, kExitUsage);
  CHECK(contains(run.err, "approvalc: error: cannot read standard input: Is a directory"));
  const auto check = approvalc({"check", "-"}, fromDirectory);
  CHECK_EXIT(check, kExitUsage);
  CHECK(contains(check.err, "cannot read standard input"));
  CHECK_FALSE(contains(check.err, "E0108"));
  const auto context = approvalc({"run", seed.string(), "--events", seed.string(), "--context", "-"}, fromDirectory);
  CHECK_EXIT(context, kExitUsage);
  CHECK(contains(context.err, "cannot read standard input"));
}
