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
};

/// Adds a file read from disk. I/O failures are returned as an Error, not a diagnostic.
struct InputFile {
  std::string path;
  std::string text;
};

/// Compiles all inputs together (machine names must be unique across them).
[[nodiscard]] std::unique_ptr<Compilation> compile(std::vector<InputFile> inputs,
                                                   const CompileOptions& options = {});

}  // namespace approval
