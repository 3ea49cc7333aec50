// End-to-end tests of `approvalc check`: the text, json, sarif and github formats, --werror,
// and several errors reported in one run.
#include <doctest/doctest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <set>

#include "cli_support.h"

using namespace cli;

namespace {

/// A machine whose only problem is the unknown state `REVEIWING` at line 5, column 14.
const std::string kUnknownState =
    "state machine \"unknown-state\" {\n"     // 1
    "  initial: DRAFT\n"                      // 2
    "  states: [DRAFT, REVIEWING, DONE]\n"    // 3
    "  transitions {\n"                       // 4
    "    DRAFT -> REVEIWING on \"submit\"\n"  // 5: REVEIWING starts at column 14
    "    REVIEWING -> DONE on \"approve\"\n"  // 6
    "  }\n"                                   // 7
    "}\n";                                    // 8
constexpr std::uint32_t kUnknownLine = 5;
constexpr std::uint32_t kUnknownColumn = 14;

/// Valid, but with a state that can never be entered (warning W0401) and no errors.
const std::string kWarningsOnly =
    "state machine \"warnings\" {\n"
    "  initial: DRAFT\n"
    "  states: [DRAFT, DONE, ORPHAN]\n"
    "  final: [DONE, ORPHAN]\n"
    "  transitions {\n"
    "    DRAFT -> DONE on \"finish\"\n"
    "  }\n"
    "}\n";

/// Several independent errors, each on its own line:
///   line 3: duplicate state (E0202)
///   line 6: unknown target state (E0201)
///   line 7: unknown source state (E0201)
///   line 8: unknown function in a guard (E0302)
///   line 9: unknown context field in a guard (E0304)
const std::string kManyErrors =
    "state machine \"many\" {\n"                                // 1
    "  initial: DRAFT\n"                                        // 2
    "  states: [DRAFT, REVIEW, DONE, DRAFT]\n"                  // 3
    "  context { amount: int }\n"                               // 4
    "  transitions {\n"                                         // 5
    "    DRAFT -> NOWHERE on \"submit\"\n"                      // 6
    "    ELSEWHERE -> DONE on \"approve\"\n"                    // 7
    "    DRAFT -> REVIEW on \"review\" if noSuchFunction(1)\n"  // 8
    "    REVIEW -> DONE on \"finish\" if missingField > 3\n"    // 9
    "  }\n"                                                     // 10
    "}\n";                                                      // 11

}  // namespace

TEST_CASE("check: text diagnostics are located with the source line and a caret") {
  TempDir dir;
  const auto input = dir.write("unknown.dsl", kUnknownState);
  const auto result = approvalc({"check", input.string()});
  CHECK_EXIT(result, kExitInputErrors);

  const std::string header =
      input.string() + ":" + std::to_string(kUnknownLine) + ":" + std::to_string(kUnknownColumn) + ": error[E0201]";
  INFO(result.err);
  CHECK(contains(result.err, header));
  CHECK(contains(result.err, "REVEIWING"));
  // The source line is quoted, with a caret line under it.
  CHECK(contains(result.err, "    DRAFT -> REVEIWING on \"submit\""));
  const auto quoted = result.err.find("DRAFT -> REVEIWING on");
  REQUIRE(quoted != std::string::npos);
  const auto caretLineStart = result.err.find('\n', quoted);
  REQUIRE(caretLineStart != std::string::npos);
  const auto caretLineEnd = result.err.find('\n', caretLineStart + 1);
  const std::string caretLine = result.err.substr(caretLineStart + 1, caretLineEnd - caretLineStart - 1);
  CAPTURE(caretLine);
  CHECK(contains(caretLine, "^"));
  // help: suggests the declared name.
  CHECK(contains(result.err, "help:"));
  CHECK(contains(result.err, "REVIEWING"));
  // Machine formats go to stdout; text goes to stderr only.
  CHECK(result.out.empty());
}

TEST_CASE("check: the caret sits under the reported column") {
  TempDir dir;
  const auto input = dir.write("unknown.dsl", kUnknownState);
  const auto result = approvalc({"check", "--color", "never", input.string()});
  CHECK_EXIT(result, kExitInputErrors);
  // Quoted line `N | text` and caret line `  | ^^^`: the caret is at the same offset as the
  // name in the quoted line.
  const auto quoted = result.err.find("DRAFT -> REVEIWING on");
  REQUIRE(quoted != std::string::npos);
  const auto quotedLineStart = result.err.rfind('\n', quoted) + 1;
  const auto nameOffset = result.err.find("REVEIWING", quoted) - quotedLineStart;
  const auto caretLineStart = result.err.find('\n', quoted) + 1;
  const auto caretLineEnd = result.err.find('\n', caretLineStart);
  const std::string caretLine = result.err.substr(caretLineStart, caretLineEnd - caretLineStart);
  CAPTURE(caretLine);
  CHECK(caretLine.find('^') == nameOffset);
}

TEST_CASE("check: a valid file exits 0 with no errors") {
  TempDir dir;
  const auto input = dir.write("ok.dsl", simpleMachine());
  const auto result = approvalc({"check", input.string()});
  CHECK_EXIT(result, kExitSuccess);
  CHECK(locatedErrors(result.err, input.string()).empty());
}

TEST_CASE("check: warnings alone exit 0 and exit 1 with --werror") {
  TempDir dir;
  const auto input = dir.write("warnings.dsl", kWarningsOnly);
  const auto plain = approvalc({"check", input.string()});
  CHECK_EXIT(plain, kExitSuccess);
  const auto diagnostics = textDiagnostics(plain.err);
  REQUIRE_FALSE(diagnostics.empty());
  for (const auto& diagnostic : diagnostics) {
    CHECK(diagnostic.severity == "warning");
    CHECK(diagnostic.file == input.string());
  }
  CHECK(contains(plain.err, "warning[W0401]"));

  const auto werror = approvalc({"check", "--werror", input.string()});
  CHECK_EXIT(werror, kExitInputErrors);
  CHECK(contains(werror.err, "W0401"));

  // The same holds for the machine formats.
  const auto json = approvalc({"check", "--werror", "--format", "json", input.string()});
  CHECK_EXIT(json, kExitInputErrors);
  const auto jsonPlain = approvalc({"check", "--format", "json", input.string()});
  CHECK_EXIT(jsonPlain, kExitSuccess);
}

TEST_CASE("check: the seed example has only warnings") {
  for (const auto& seed : seedPaths()) {
    CAPTURE(seed.string());
    const auto result = approvalc({"check", seed.string()});
    CHECK_EXIT(result, kExitSuccess);
    CHECK(locatedErrors(result.err, seed.string()).empty());
  }
}

TEST_CASE("check: --format json gives code line column and counts") {
  TempDir dir;
  const auto input = dir.write("unknown.dsl", kUnknownState);
  const auto result = approvalc({"check", "--format", "json", input.string()});
  CHECK_EXIT(result, kExitInputErrors);
  INFO(result.out);
  const auto report = nlohmann::json::parse(result.out);
  CHECK(report.at("errors") == 1);
  CHECK(report.at("warnings") == 0);
  const auto& diagnostics = report.at("diagnostics");
  REQUIRE(diagnostics.size() == 1);
  const auto& diagnostic = diagnostics.at(0);
  CHECK(diagnostic.at("code") == "E0201");
  CHECK(diagnostic.at("severity") == "error");
  CHECK(diagnostic.at("file") == input.string());
  CHECK(diagnostic.at("line") == kUnknownLine);
  CHECK(diagnostic.at("column") == kUnknownColumn);
  CHECK(diagnostic.at("endLine") == kUnknownLine);
  CHECK(diagnostic.at("endColumn") == kUnknownColumn + 9);  // one past `REVEIWING`
  CHECK(contains(diagnostic.at("message").get<std::string>(), "REVEIWING"));
  CHECK(contains(diagnostic.at("help").get<std::string>(), "REVIEWING"));
}

TEST_CASE("check: --format sarif is SARIF 2.1.0 with rules and located results") {
  TempDir dir;
  const auto input = dir.write("unknown.dsl", kUnknownState);
  const auto result = approvalc({"check", "--format", "sarif", input.string()});
  CHECK_EXIT(result, kExitInputErrors);
  INFO(result.out);
  const auto sarif = nlohmann::json::parse(result.out);
  CHECK(sarif.at("version") == "2.1.0");
  REQUIRE(sarif.contains("$schema"));
  CHECK(contains(sarif.at("$schema").get<std::string>(), "sarif"));
  REQUIRE(sarif.at("runs").size() == 1);
  const auto& run = sarif.at("runs").at(0);
  const auto& driver = run.at("tool").at("driver");
  CHECK(driver.at("name") == "approvalc");
  const auto& rules = driver.at("rules");
  REQUIRE(rules.is_array());
  REQUIRE_FALSE(rules.empty());
  std::set<std::string> ruleIds;
  for (const auto& rule : rules) {
    ruleIds.insert(rule.at("id").get<std::string>());
    CHECK_FALSE(rule.at("shortDescription").at("text").get<std::string>().empty());
  }
  CHECK(ruleIds.count("E0201") == 1);

  const auto& results = run.at("results");
  REQUIRE(results.size() == 1);
  for (const auto& item : results) {
    const auto ruleId = item.at("ruleId").get<std::string>();
    CHECK(ruleId == "E0201");
    CHECK(ruleIds.count(ruleId) == 1);  // every result's rule is described
    CHECK(item.at("level") == "error");
    CHECK(contains(item.at("message").at("text").get<std::string>(), "REVEIWING"));
    const auto& locations = item.at("locations");
    REQUIRE_FALSE(locations.empty());
    const auto& physical = locations.at(0).at("physicalLocation");
    CHECK(physical.at("region").at("startLine") == kUnknownLine);
    CHECK(physical.at("region").at("startColumn") == kUnknownColumn);
    CHECK(contains(physical.at("artifactLocation").at("uri").get<std::string>(), "unknown.dsl"));
  }
}

TEST_CASE("check: --format sarif on a clean file has an empty result list") {
  TempDir dir;
  const auto input = dir.write("ok.dsl", simpleMachine());
  const auto result = approvalc({"check", "--format", "sarif", input.string()});
  CHECK_EXIT(result, kExitSuccess);
  const auto sarif = nlohmann::json::parse(result.out);
  CHECK(sarif.at("runs").at(0).at("results").is_array());
  CHECK(sarif.at("runs").at(0).at("results").empty());
}

TEST_CASE("check: --format github prints workflow commands") {
  TempDir dir;
  const auto input = dir.write("unknown.dsl", kUnknownState);
  const auto result = approvalc({"check", "--format", "github", input.string()});
  CHECK_EXIT(result, kExitInputErrors);
  INFO(result.out);
  const auto firstLine = result.out.substr(0, result.out.find('\n'));
  CHECK(startsWith(firstLine, "::error file=" + input.string()));
  CHECK(contains(firstLine, "line=" + std::to_string(kUnknownLine)));
  CHECK(contains(firstLine, "col=" + std::to_string(kUnknownColumn)));
  CHECK(contains(firstLine, "title=E0201"));
  CHECK(contains(firstLine, "::unknown state"));
  // A workflow command is one line: the message's own newlines are escaped.
  CHECK(std::count(result.out.begin(), result.out.end(), '\n') == 1);

  const auto warnings = approvalc({"check", "--format", "github", dir.write("w.dsl", kWarningsOnly).string()});
  CHECK_EXIT(warnings, kExitSuccess);
  CHECK(startsWith(warnings.out, "::warning file="));
}

TEST_CASE("check: several independent errors are all reported in one run") {
  TempDir dir;
  const auto input = dir.write("many.dsl", kManyErrors);
  const auto json = approvalc({"check", "--format", "json", input.string()});
  CHECK_EXIT(json, kExitInputErrors);
  INFO(json.out);
  const auto report = nlohmann::json::parse(json.out);
  std::multimap<std::uint32_t, std::string> byLine;
  for (const auto& diagnostic : report.at("diagnostics")) {
    if (diagnostic.at("severity") == "error") {
      byLine.emplace(diagnostic.at("line").get<std::uint32_t>(), diagnostic.at("code").get<std::string>());
    }
  }
  CHECK(report.at("errors") == byLine.size());
  CHECK(byLine.size() >= 5);
  const auto hasError = [&](std::uint32_t line, const std::string& code) {
    auto [first, last] = byLine.equal_range(line);
    for (auto it = first; it != last; ++it) {
      if (it->second == code) return true;
    }
    return false;
  };
  CHECK(hasError(3, "E0202"));
  CHECK(hasError(6, "E0201"));
  CHECK(hasError(7, "E0201"));
  CHECK(hasError(8, "E0302"));
  CHECK(hasError(9, "E0304"));

  // The text format reports the same errors.
  const auto text = approvalc({"check", input.string()});
  CHECK_EXIT(text, kExitInputErrors);
  CHECK(locatedErrors(text.err, input.string()).size() == byLine.size());
}

TEST_CASE("check: errors in several files are all reported") {
  TempDir dir;
  const auto first = dir.write("first.dsl", kUnknownState);
  const auto second = dir.write("second.dsl", "state machine \"second\" {\n  states: [A]\n  initial: B\n}\n");
  const auto third = dir.write("third.dsl", simpleMachine("third"));
  const auto result = approvalc({"check", first.string(), second.string(), third.string()});
  CHECK_EXIT(result, kExitInputErrors);
  CHECK(findError(result.err, first.string(), "E0201").has_value());
  CHECK_FALSE(locatedErrors(result.err, second.string()).empty());
  CHECK(locatedErrors(result.err, third.string()).empty());
}

TEST_CASE("check: a file name's newline or invalid UTF-8 does not reach the text output as it is") {
  // A file named "fake.dsl:9:9: error[E0000]: forged\nx.dsl" printed a forged diagnostic line.
  TempDir dir;
  const auto file = dir.write("fake.dsl:9:9: error[E0000]: forged\nx\xff.dsl", kUnknownState);
  const auto result = approvalc({"check", file.string()});
  CHECK_EXIT(result, kExitInputErrors);
  CHECK_FALSE(contains(result.err, "\nfake.dsl:9:9"));
  CHECK_FALSE(contains(result.err, "\xff"));
  CHECK(contains(result.err, "fake.dsl:9:9: error[E0000]: forged\xEF\xBF\xBDx\xEF\xBF\xBD.dsl:5:14: error[E0201]"));
}
