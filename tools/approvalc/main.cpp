// approvalc: compile, check and draw approval state machines (docs/CLI.md).
#include <CLI/CLI.hpp>

#include <charconv>
#include <csignal>
#include <cstdint>
#include <iostream>
#include <string>

#include "approval/engine.h"
#include "commands.h"

namespace {

using namespace approval::driver;

/// A whole number from 1 up, said plainly when it is not (CLI11's own range message prints
/// doubles).
const CLI::Validator kPositiveCount(
    [](std::string& text) -> std::string {
      std::uint64_t value = 0;
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
      if (error == std::errc::result_out_of_range) return "`" + text + "` is too large: at most 18446744073709551615";
      if (error != std::errc{} || end != text.data() + text.size() || value == 0) {
        return "`" + text + "` is not a whole number of 1 or more";
      }
      return {};
    },
    "COUNT");

/// A name or path that is not empty.
const CLI::Validator kNotEmpty([](std::string& text) -> std::string { return text.empty() ? "must not be empty" : ""; },
                               "TEXT");

void addCommonOptions(CLI::App& app, CommonOptions& common) {
  app.add_option("--max-file-bytes", common.limits.maxFileBytes, "Largest input file accepted")
      ->capture_default_str()
      ->check(kPositiveCount);
  app.add_option("--max-nesting", common.limits.maxNestingDepth, "Deepest bracket/expression nesting accepted")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{1}, approval::kMaxSupportedNesting));
  app.add_option("--max-transitions", common.limits.maxTransitions,
                 "Most transitions of one machine once `*` and [A, B] sources expand (E0110)")
      ->capture_default_str()
      ->check(kPositiveCount);
  app.add_option("--max-tokens", common.limits.maxTokens, "Most tokens of one input file (E0111)")
      ->capture_default_str()
      ->check(kPositiveCount);
  app.add_option_function<std::string>(
         "--color",
         [&common](const std::string& mode) {
           common.color = mode == "always" ? ColorMode::Always : mode == "never" ? ColorMode::Never : ColorMode::Auto;
         },
         "Color diagnostics: auto (terminal only), always, never. A non-empty NO_COLOR disables color")
      ->check(CLI::IsMember({"auto", "always", "never"}));
  app.add_flag("--no-jit", common.noJit, "Evaluate guards with the reference interpreter instead of the LLVM JIT");
  app.add_option("--opt-level", common.optimizationLevel, "Optimisation level of the guard JIT and --emit llvm, 0-3")
      ->capture_default_str()
      ->check(CLI::Range(0u, 3u));
}

}  // namespace

int main(int argc, char** argv) {
  // A write past a file size limit (SIGXFSZ) or into a closed pipe (SIGPIPE) fails with an
  // error the commands report (exit 2) instead of ending the process by a signal, which
  // would also leave -o's temporary file behind.
  std::signal(SIGXFSZ, SIG_IGN);
  std::signal(SIGPIPE, SIG_IGN);
  CLI::App app{"approvalc: compiler for approval state machines.\n"
               "  approvalc FILE...          check and write the IR (-o FILE, --emit tokens|ast|ir|llvm)\n"
               "  approvalc check FILE...    lint (--format text|json|sarif|github, --werror)\n"
               "  approvalc graph FILE       draw (--format dot|mermaid)\n"
               "  approvalc run FILE --events E.jsonl   simulate an instance (--context C.json)\n"
               "  approvalc eval 'EXPR'      evaluate a guard expression (--context JSON)\n"
               "Guards run as native code (LLVM JIT); --no-jit anywhere selects the interpreter.\n"
               "Exit status: 0 success, 1 errors in the input, 2 usage or I/O error.",
               "approvalc"};
  app.set_version_flag("--version", "approvalc 0.1.0");
  app.require_subcommand(0, 1);

  CommonOptions common;
  CompileCommand compileCommand;
  app.add_option("files", compileCommand.files, "DSL files to compile");
  app.add_option("-o,--output", compileCommand.output, "Write the output here instead of standard output")
      ->check(kNotEmpty);
  app.add_option("--emit", compileCommand.emit, "Print one stage instead of the IR: tokens, ast, ir, llvm")
      ->check(CLI::IsMember({"tokens", "ast", "ir", "llvm"}));
  addCommonOptions(app, common);

  CheckCommand checkCommand;
  CLI::App* check = app.add_subcommand("check", "Lint DSL files; exit 1 on errors (or warnings with --werror)");
  check->add_option("files", checkCommand.files, "DSL files to check")->required();
  check->add_option("--format", checkCommand.format, "Diagnostic format: text (stderr), json, sarif, github")
      ->check(CLI::IsMember({"text", "json", "sarif", "github"}))
      ->capture_default_str();
  check->add_flag("--werror", checkCommand.werror, "Treat warnings as errors");
  addCommonOptions(*check, common);

  GraphCommand graphCommand;
  CLI::App* graph = app.add_subcommand("graph", "Draw a machine as Graphviz DOT or a Mermaid state diagram");
  graph->add_option("file", graphCommand.file, "DSL file")->required();
  graph->add_option("--format", graphCommand.format, "dot or mermaid")
      ->check(CLI::IsMember({"dot", "mermaid"}))
      ->capture_default_str();
  graph->add_option("--machine", graphCommand.machine, "Machine to draw when the file has several")->check(kNotEmpty);
  graph->add_option("-o,--output", graphCommand.output, "Write here instead of standard output")->check(kNotEmpty);
  addCommonOptions(*graph, common);

  RunCommand runCommand;
  CLI::App* run = app.add_subcommand("run", "Simulate one instance on a virtual clock; print a trace of every answer");
  run->add_option("file", runCommand.file, "DSL file")->required();
  run->add_option("--events", runCommand.events,
                  "JSON lines: {\"id\", \"name\", \"actor\", \"time\", \"payload\"} or {\"advance\": \"48h\"}")
      ->required();
  run->add_option("--context", runCommand.context, "A JSON file with the instance's initial context")->check(kNotEmpty);
  run->add_option("--machine", runCommand.machine, "Machine to run when the file has several")->check(kNotEmpty);
  run->add_option("--format", runCommand.format, "Trace format: text or jsonl")
      ->check(CLI::IsMember({"text", "jsonl"}))
      ->capture_default_str();
  run->add_option("--fail-action", runCommand.failAction, "Make this host action fail (to see compensations)")->check(kNotEmpty);
  run->add_option("--instance", runCommand.instance, "The instance id")->capture_default_str()->check(kNotEmpty);
  run->add_option("--start", runCommand.start, "The virtual clock's start time (RFC 3339)")->capture_default_str();
  addCommonOptions(*run, common);

  EvalCommand evalCommand;
  CLI::App* eval = app.add_subcommand("eval", "Evaluate one guard expression and print its value as JSON");
  eval->add_option("expression", evalCommand.expression, "A CEL guard expression, e.g. 'amount > 500000'")->required();
  eval->add_option("--context", evalCommand.context,
                   "A JSON object of context fields, e.g. '{\"amount\": 600000}'; their types come from the values")
      ->check(kNotEmpty);
  addCommonOptions(*eval, common);

  // Help and the version are the command's output: one that cannot be written is an I/O
  // error, as for every other output.
  auto printed = [](int status) {
    std::cout.flush();
    return std::cout ? status : kExitUsage;
  };
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return printed(app.exit(e));
  } catch (const CLI::CallForAllHelp& e) {
    return printed(app.exit(e));
  } catch (const CLI::CallForVersion& e) {
    return printed(app.exit(e));
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return kExitUsage;
  }

  // Compile options before a subcommand would be silently ignored by it.
  if ((check->parsed() || graph->parsed() || eval->parsed() || run->parsed()) &&
      (!compileCommand.files.empty() || !compileCommand.output.empty() || !compileCommand.emit.empty())) {
    std::cerr << "approvalc: error: put the options of `"
              << (check->parsed() ? "check" : graph->parsed() ? "graph" : run->parsed() ? "run" : "eval")
              << "` after its name; -o, --emit and input files before it belong to compiling\n";
    return kExitUsage;
  }

  try {
    if (check->parsed()) return runCheck(checkCommand, common);
    if (graph->parsed()) return runGraph(graphCommand, common);
    if (eval->parsed()) return runEval(evalCommand, common);
    if (run->parsed()) {
      if (!approval::runtime::parseTimestampText(runCommand.start)) {
        std::cerr << "approvalc: error: --start: " << approval::runtime::parseTimestampText(runCommand.start).error().message << '\n';
        return kExitUsage;
      }
      return runRun(runCommand, common);
    }
    if (compileCommand.files.empty()) {
      std::cerr << app.help() << "\napprovalc: error: no input files\n";
      return kExitUsage;
    }
    return runCompile(compileCommand, common);
  } catch (const std::exception& e) {
    // Library code reports errors as values; reaching here is a bug, still not a signal.
    std::cerr << "approvalc: internal error: " << e.what() << '\n';
    return kExitUsage;
  }
}
