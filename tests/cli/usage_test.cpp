// The command line itself: usage and I/O errors (exit 2), --help and --version, color
// control, and input encodings (CRLF, BOM, non-ASCII names).
#include <doctest/doctest.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "cli_support.h"

using namespace cli;

namespace {

std::string toCrlf(const std::string& text) {
  std::string out;
  for (const char c : text) {
    if (c == '\n') out += '\r';
    out += c;
  }
  return out;
}

const std::string kBom = "\xEF\xBB\xBF";

/// A machine with non-ASCII state names: 草稿 (draft), 已提交 (submitted), 已批准 (approved).
const std::string kChineseMachine =
    "state machine \"请假\" {\n"
    "  initial: 草稿\n"
    "  states: [草稿, 已提交, 已批准]\n"
    "  transitions {\n"
    "    草稿 → 已提交 on \"提交\"\n"
    "    已提交 → 已批准 on \"批准\"\n"
    "  }\n"
    "}\n";

/// Environment without NO_COLOR, so the tests see approvalc's own choice.
ProcessOptions withoutNoColor() {
  ProcessOptions options;
  options.environment = {{"NO_COLOR", std::nullopt}};
  return options;
}

}  // namespace

// ---- Usage and I/O errors: exit 2 ----

TEST_CASE("usage: no input files") {
  const auto result = approvalc({});
  CHECK_EXIT(result, kExitUsage);
  CHECK(contains(result.err, "no input files"));
  CHECK(result.out.empty());

  CHECK_EXIT(approvalc({"check"}), kExitUsage);
  CHECK_EXIT(approvalc({"graph"}), kExitUsage);
}

TEST_CASE("usage: a nonexistent file is named in the message") {
  TempDir dir;
  const auto missing = (dir.path() / "does-not-exist.dsl").string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{missing}, std::vector<std::string>{"check", missing},
        std::vector<std::string>{"graph", missing},
        std::vector<std::string>{"check", sharedSeedPath().string(), missing}}) {
    CAPTURE(args.front());
    const auto result = approvalc(args);
    CHECK_EXIT(result, kExitUsage);
    CHECK(contains(result.err, missing));
    CHECK(result.out.empty());
  }
}

TEST_CASE("usage: a directory as input") {
  TempDir dir;
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{dir.path().string()}, std::vector<std::string>{"check", dir.path().string()},
        std::vector<std::string>{"graph", dir.path().string()}}) {
    CAPTURE(args.front());
    const auto result = approvalc(args);
    CHECK_EXIT(result, kExitUsage);
    CHECK(contains(result.err, dir.path().string()));
    CHECK(contains(result.err, "directory"));
  }
}

TEST_CASE("usage: an unreadable file") {
  if (::geteuid() == 0) {
    MESSAGE("skipped: root can read any file");
    return;
  }
  TempDir dir;
  const auto file = dir.write("secret.dsl", simpleMachine());
  std::filesystem::permissions(file, std::filesystem::perms::none);
  const auto result = approvalc({"check", file.string()});
  CHECK_EXIT(result, kExitUsage);
  CHECK(contains(result.err, file.string()));
}

TEST_CASE("usage: an unknown option") {
  const auto seed = sharedSeedPath().string();
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--bogus", seed}, std::vector<std::string>{"check", "--bogus", seed},
        std::vector<std::string>{"graph", "--bogus", seed}}) {
    CAPTURE(args.front());
    const auto result = approvalc(args);
    CHECK_EXIT(result, kExitUsage);
    CHECK(contains(result.err, "--bogus"));
    CHECK(result.out.empty());
  }
}

TEST_CASE("usage: a bad --format or --emit or --color value") {
  const auto seed = sharedSeedPath().string();
  struct Case {
    std::vector<std::string> args;
    const char* value;
  };
  for (const auto& item :
       {Case{{"check", "--format", "xml", seed}, "xml"}, Case{{"graph", "--format", "svg", seed}, "svg"},
        Case{{"--emit", "llvm-bitcode", seed}, "llvm-bitcode"},
        Case{{"check", "--color", "sometimes", seed}, "sometimes"}, Case{{"check", "--format", seed}, nullptr}}) {
    CAPTURE(item.args.at(1));
    const auto result = approvalc(item.args);
    CHECK_EXIT(result, kExitUsage);
    if (item.value != nullptr) CHECK(contains(result.err, item.value));
    CHECK(result.out.empty());
  }
}

TEST_CASE("usage: -o into a nonexistent directory") {
  TempDir dir;
  const auto output = (dir.path() / "no-such-dir" / "out.json").string();
  const auto compile = approvalc({sharedSeedPath().string(), "-o", output});
  CHECK_EXIT(compile, kExitUsage);
  CHECK(contains(compile.err, output));

  const auto graph = approvalc({"graph", sharedSeedPath().string(), "-o", output});
  CHECK_EXIT(graph, kExitUsage);
  CHECK(contains(graph.err, output));

  // A directory is not a writable output file either.
  const auto intoDirectory = approvalc({sharedSeedPath().string(), "-o", dir.path().string()});
  CHECK_EXIT(intoDirectory, kExitUsage);
}

TEST_CASE("usage: a failed write to standard output is an I/O error") {
  // /dev/full accepts the open and fails every write with ENOSPC.
  if (!std::filesystem::exists("/dev/full")) {
    MESSAGE("skipped: no /dev/full");
    return;
  }
  ProcessOptions options;
  options.stdoutFile = "/dev/full";
  for (const std::vector<std::string>& args : {std::vector<std::string>{sharedSeedPath().string()},
                                               std::vector<std::string>{"--emit", "ast", sharedSeedPath().string()},
                                               std::vector<std::string>{"--emit", "tokens", sharedSeedPath().string()},
                                               std::vector<std::string>{"graph", sharedSeedPath().string()}}) {
    CAPTURE(args.front());
    const auto result = approvalc(args, options);
    CHECK_EXIT(result, kExitUsage);
    CHECK(contains(result.err, "standard output"));
  }
}

TEST_CASE("usage: check reports a failed write of its report") {
  // A lint step whose JSON/SARIF report was lost must not pass: exit 2, with a message.
  if (!std::filesystem::exists("/dev/full")) {
    MESSAGE("skipped: no /dev/full");
    return;
  }
  ProcessOptions options;
  options.stdoutFile = "/dev/full";
  for (const char* format : {"json", "sarif", "github"}) {
    CAPTURE(std::string(format));
    // The seed gives a non-empty report in every format (it has warnings).
    const auto result = approvalc({"check", "--format", format, sharedSeedPath().string()}, options);
    CHECK_EXIT(result, kExitUsage);
    CHECK(contains(result.err, "standard output"));
  }
}

TEST_CASE("usage: --help on the main command and every subcommand") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"--help"}, std::vector<std::string>{"-h"}, std::vector<std::string>{"check", "--help"},
        std::vector<std::string>{"graph", "--help"}, std::vector<std::string>{"check", "-h"},
        std::vector<std::string>{"graph", "-h"}}) {
    CAPTURE(args.front());
    CAPTURE(args.back());
    const auto result = approvalc(args);
    CHECK_EXIT(result, kExitSuccess);
    CHECK(contains(result.out, "Usage"));
  }
  const auto main = approvalc({"--help"});
  CHECK(contains(main.out, "check"));
  CHECK(contains(main.out, "graph"));
  CHECK(contains(main.out, "--emit"));
  CHECK(contains(approvalc({"check", "--help"}).out, "--werror"));
  CHECK(contains(approvalc({"graph", "--help"}).out, "--machine"));
}

TEST_CASE("usage: --version") {
  const auto result = approvalc({"--version"});
  CHECK_EXIT(result, kExitSuccess);
  CHECK(contains(result.out, "approvalc"));
  CHECK(result.out.find_first_of("0123456789") != std::string::npos);
}

// ---- Color ----

TEST_CASE("color: --color always colors the diagnostics") {
  const auto result = approvalc({"check", "--color", "always", sharedSeedPath().string()}, withoutNoColor());
  CHECK_EXIT(result, kExitSuccess);
  REQUIRE_FALSE(result.err.empty());  // the seed has warnings
  CHECK(contains(result.err, "\x1b["));

  TempDir dir;
  const auto bad = dir.write("bad.dsl", "state machine \"m\" {\n  initial: X\n  states: [A]\n}\n");
  const auto errors = approvalc({"check", "--color", "always", bad.string()}, withoutNoColor());
  CHECK_EXIT(errors, kExitInputErrors);
  CHECK(contains(errors.err, "\x1b["));
}

TEST_CASE("color: NO_COLOR wins over --color always") {
  ProcessOptions options;
  options.environment = {{"NO_COLOR", "1"}};
  const auto result = approvalc({"check", "--color", "always", sharedSeedPath().string()}, options);
  CHECK_EXIT(result, kExitSuccess);
  REQUIRE_FALSE(result.err.empty());
  CHECK_FALSE(contains(result.err, "\x1b"));
}

TEST_CASE("color: none by default when stderr is not a terminal") {
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"check", sharedSeedPath().string()},
        std::vector<std::string>{"check", "--color", "auto", sharedSeedPath().string()},
        std::vector<std::string>{"check", "--color", "never", sharedSeedPath().string()},
        std::vector<std::string>{sharedSeedPath().string()}}) {
    CAPTURE(args.at(1));
    const auto result = approvalc(args, withoutNoColor());
    CHECK_EXIT(result, kExitSuccess);
    REQUIRE_FALSE(result.err.empty());
    CHECK_FALSE(contains(result.err, "\x1b"));
  }
}

TEST_CASE("color: machine formats are never colored") {
  for (const char* format : {"json", "sarif", "github"}) {
    CAPTURE(std::string(format));
    const auto result =
        approvalc({"check", "--color", "always", "--format", format, sharedSeedPath().string()}, withoutNoColor());
    CHECK_EXIT(result, kExitSuccess);
    CHECK_FALSE(contains(result.out, "\x1b"));
  }
}

// ---- Encodings ----

TEST_CASE("encoding: CRLF line endings compile") {
  TempDir dir;
  const auto file = dir.write("crlf.dsl", toCrlf(readFile(sharedSeedPath())));
  const auto result = approvalc({file.string()});
  CHECK_EXIT(result, kExitSuccess);
  const auto ir = nlohmann::json::parse(result.out);
  CHECK(ir.at("machines").at(0).at("states").size() == 6);
  CHECK_EXIT(approvalc({"check", file.string()}), kExitSuccess);
  CHECK_EXIT(approvalc({"graph", file.string()}), kExitSuccess);
}

TEST_CASE("encoding: a UTF-8 byte order mark is accepted") {
  TempDir dir;
  const auto bom = dir.write("bom.dsl", kBom + readFile(sharedSeedPath()));
  CHECK_EXIT(approvalc({bom.string()}), kExitSuccess);
  const auto both = dir.write("bom-crlf.dsl", kBom + toCrlf(readFile(sharedSeedPath())));
  const auto result = approvalc({both.string()});
  CHECK_EXIT(result, kExitSuccess);
  CHECK(nlohmann::json::parse(result.out).at("machines").at(0).at("name") == "leave-approval");
}

TEST_CASE("encoding: diagnostics in CRLF and BOM files keep their columns") {
  // `NOPE` is at line 2, column 12 in every variant: neither `\r` nor the BOM is a column.
  const std::string text = "state machine \"m\" {\n  initial: NOPE\n  states: [A]\n}\n";
  TempDir dir;
  struct Case {
    const char* name;
    std::string text;
  };
  for (const auto& item : {Case{"plain", text}, Case{"crlf", toCrlf(text)}, Case{"bom", kBom + text},
                           Case{"bom-crlf", kBom + toCrlf(text)}}) {
    CAPTURE(std::string(item.name));
    const auto file = dir.write(std::string(item.name) + ".dsl", item.text);
    const auto result = approvalc({"check", "--format", "json", file.string()});
    CHECK_EXIT(result, kExitInputErrors);
    const auto report = nlohmann::json::parse(result.out);
    REQUIRE_FALSE(report.at("diagnostics").empty());
    const auto& first = report.at("diagnostics").at(0);
    CHECK(first.at("line") == 2);
    CHECK(first.at("column") == 12);
    // The quoted source line in the text output carries no stray `\r`.
    const auto text = approvalc({"check", file.string()});
    CHECK_FALSE(contains(text.err, "\r"));
    CHECK_FALSE(contains(text.err, kBom));
  }
  // A BOM on the first line does not shift the column of an error there.
  const auto first = dir.write("bom-first.dsl", kBom + "state machine \"m\" { initial: NOPE states: [A] }\n");
  const auto result = approvalc({"check", "--format", "json", first.string()});
  CHECK_EXIT(result, kExitInputErrors);
  const auto report = nlohmann::json::parse(result.out);
  REQUIRE_FALSE(report.at("diagnostics").empty());
  CHECK(report.at("diagnostics").at(0).at("line") == 1);
  CHECK(report.at("diagnostics").at(0).at("column") == 30);
}

TEST_CASE("encoding: non-ASCII state names compile and graph") {
  TempDir dir;
  const auto file = dir.write("chinese.dsl", kChineseMachine);
  const auto compile = approvalc({file.string()});
  REQUIRE_EXIT(compile, kExitSuccess);
  const auto ir = nlohmann::json::parse(compile.out);
  const auto& machine = ir.at("machines").at(0);
  CHECK(machine.at("name") == "请假");
  REQUIRE(machine.at("states").size() == 3);
  CHECK(machine.at("states").at(0).at("name") == "草稿");
  CHECK(machine.at("states").at(1).at("name") == "已提交");

  const auto dot = approvalc({"graph", file.string()});
  REQUIRE_EXIT(dot, kExitSuccess);
  CHECK(startsWith(dot.out, "digraph"));
  CHECK(contains(dot.out, "草稿"));
  CHECK(contains(dot.out, "提交"));
  CHECK(isValidUtf8(dot.out));
  if (std::filesystem::exists("/usr/bin/dot")) {
    const auto svg = runProcess({"/usr/bin/dot", "-Tsvg"}, withStdin(dot.out));
    CHECK_EXIT(svg, 0);
    CHECK(contains(svg.out, "<svg"));
  }

  const auto mermaid = approvalc({"graph", "--format", "mermaid", file.string()});
  REQUIRE_EXIT(mermaid, kExitSuccess);
  CHECK(startsWith(mermaid.out, "stateDiagram-v2"));
  CHECK(contains(mermaid.out, "草稿"));
  CHECK(contains(mermaid.out, "[*] -->"));

  const auto ast = approvalc({"--emit", "ast", file.string()});
  CHECK_EXIT(ast, kExitSuccess);
  CHECK(contains(ast.out, "草稿"));
}

TEST_CASE("encoding: a misspelt non-ASCII state is reported with its name") {
  TempDir dir;
  std::string text = kChineseMachine;
  const std::string wrong = "已批淮";  // 淮 instead of 准
  text.replace(text.find("已提交 → 已批准"), std::string("已提交 → 已批准").size(), "已提交 → " + wrong);
  const auto file = dir.write("typo.dsl", text);
  const auto result = approvalc({"check", file.string()});
  CHECK_EXIT(result, kExitInputErrors);
  const auto error = findError(result.err, file.string(), "E0201");
  REQUIRE(error.has_value());
  CHECK(error->line == 6);
  CHECK(contains(error->message, wrong));
  CHECK(isValidUtf8(result.err));
}

TEST_CASE("usage: check's text report, help and the version are output too: a failed write is exit 2") {
  // `check` wrote its text report to a full standard error and exited 0; so did --help and
  // --version to a full standard output.
  if (!std::filesystem::exists("/dev/full")) {
    MESSAGE("skipped: no /dev/full");
    return;
  }
  ProcessOptions fullStderr;
  fullStderr.stderrFile = "/dev/full";
  CHECK_EXIT(approvalc({"check", sharedSeedPath().string()}, fullStderr), kExitUsage);  // two warnings
  CHECK_EXIT(approvalc({"check", sharedSeedPath().string()}), kExitSuccess);
  ProcessOptions fullStdout;
  fullStdout.stdoutFile = "/dev/full";
  for (const std::vector<std::string>& args : {std::vector<std::string>{"--help"}, std::vector<std::string>{"--version"},
                                               std::vector<std::string>{"check", "--help"}}) {
    CAPTURE(args.front());
    CHECK_EXIT(approvalc(args, fullStdout), kExitUsage);
    CHECK_EXIT(approvalc(args), kExitSuccess);
  }
}

TEST_CASE("usage: an empty name or file for an option is a usage error, not the option left out") {
  // `--fail-action ''` ran with no action failing and exited 0; `--machine ''` picked the only
  // machine; `--context ''` read no context.
  const std::string seed = sharedSeedPath().string();
  const std::string events = std::string(APPROVAL_SOURCE_DIR) + "/examples/leave-approval.seed.events.jsonl";
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"run", seed, "--events", events, "--fail-action", ""},
        std::vector<std::string>{"run", seed, "--events", events, "--machine", ""},
        std::vector<std::string>{"run", seed, "--events", events, "--context", ""},
        std::vector<std::string>{"graph", seed, "--machine", ""}, std::vector<std::string>{"eval", "1", "--context", ""}}) {
    CAPTURE(args[args.size() - 2]);
    const auto result = approvalc(args);
    CHECK_EXIT(result, kExitUsage);
    CHECK(contains(result.err, args[args.size() - 2] + ": must not be empty"));
  }
}

TEST_CASE("usage: standard input given twice is a usage error, not an empty second file") {
  for (const std::vector<std::string>& args : {std::vector<std::string>{"check", "-", "-"}, std::vector<std::string>{"-", "-"}}) {
    CAPTURE(args.front());
    const auto result = approvalc(args, withStdin(readFile(sharedSeedPath())));
    CHECK_EXIT(result, kExitUsage);
    CHECK(contains(result.err, "`-` (standard input) can be given once"));
    CHECK_FALSE(contains(result.err, "E0108"));
  }
}
