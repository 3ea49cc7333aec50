// The subcommands of approvalc. Each returns the process exit code:
// 0 success (warnings allowed), 1 errors in the input, 2 usage or I/O error.
#pragma once

#include <string>
#include <vector>

#include "approval/syntax.h"

namespace approval::driver {

inline constexpr int kExitSuccess = 0;
inline constexpr int kExitInputErrors = 1;
inline constexpr int kExitUsage = 2;

enum class ColorMode { Auto, Always, Never };

struct CommonOptions {
  InputLimits limits;
  ColorMode color = ColorMode::Auto;
  bool noJit = false;              // evaluate guards with the reference interpreter
  unsigned optimizationLevel = 2;  // of the guard JIT
};

struct CompileCommand {
  std::vector<std::string> files;
  std::string output;  // empty: standard output
  std::string emit;    // "", tokens, ast, ir, llvm
};

struct CheckCommand {
  std::vector<std::string> files;
  std::string format = "text";  // text, json, sarif, github
  bool werror = false;
};

struct GraphCommand {
  std::string file;
  std::string format = "dot";  // dot, mermaid
  std::string machine;         // which machine, when the file has several
  std::string output;
};

struct EvalCommand {
  std::string expression;
  std::string context;  // a JSON object: field name → value
};

struct RunCommand {
  std::string file;
  std::string events;       // JSON lines: events, or {"advance": "48h"}
  std::string context;      // a JSON file with the initial context
  std::string machine;      // which machine, when the file has several
  std::string format = "text";  // text, jsonl
  std::string failAction;   // this host action fails
  std::string instance = "run-1";
  std::string start = "2024-01-01T00:00:00Z";  // the virtual clock's start
};

int runRun(const RunCommand& command, const CommonOptions& common);
int runEval(const EvalCommand& command, const CommonOptions& common);
int runCompile(const CompileCommand& command, const CommonOptions& common);
int runCheck(const CheckCommand& command, const CommonOptions& common);
int runGraph(const GraphCommand& command, const CommonOptions& common);

}  // namespace approval::driver
