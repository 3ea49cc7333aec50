// The whole front end in one call: read → parse → check → lower.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "approval/ast.h"
#include "approval/diagnostic.h"
#include "approval/ir.h"
#include "approval/source.h"
#include "approval/syntax.h"

namespace approval {

struct Compilation {
  SourceManager sources;
  std::vector<ast::File> files;
  DiagnosticSink diagnostics;
  ir::Program program;  // filled only when there are no errors
};

struct CompileOptions {
  InputLimits limits;
  /// False for a check only: no IR is built (`approvalc check`).
  bool lower = true;
};

/// Adds a file read from disk. I/O failures are returned as an Error, not a diagnostic.
struct InputFile {
  std::string path;
  std::string text;
};

/// Compiles all inputs together (machine names must be unique across them). Runs on a
/// thread of its own with a large stack, so deep inputs within the limits are safe.
[[nodiscard]] std::unique_ptr<Compilation> compile(std::vector<InputFile> inputs,
                                                   const CompileOptions& options = {});

}  // namespace approval
