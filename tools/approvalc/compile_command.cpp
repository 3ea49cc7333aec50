// `approvalc FILE...`: check, then write the IR, or dump one stage with --emit.
#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include <iostream>

#include "approval/ast_dump.h"
#include "approval/ir_json.h"
#include "approval/jit.h"
#include "commands.h"
#include "diagnostics_output.h"
#include "input_files.h"
#include "output_file.h"

namespace approval::driver {

namespace {

std::string tokensText(const Compilation& compilation) {
  std::string out;
  for (FileId id = 0; id < compilation.sources.size(); ++id) {
    const SourceFile& file = compilation.sources.file(id);
    for (const Token& token : tokenize(file, id)) {
      out += fmt::format("{}:{}:{} {} {}\n", file.path(), token.span.line, token.span.column, token.kind,
                         nlohmann::json(token.text).dump());
    }
  }
  return out;
}

}  // namespace

int runCompile(const CompileCommand& command, const CommonOptions& common) {
  if (auto distinct = checkOutputIsNotInput(command.output, command.files); !distinct) {
    printError(distinct.error().message);
    return kExitUsage;
  }
  auto inputs = readInputs(command.files, common.limits.maxFileBytes);
  if (!inputs) {
    printError(inputs.error().message);
    return kExitUsage;
  }
  const auto compilation = compile(std::move(inputs).value(), CompileOptions{.limits = common.limits});
  printDiagnostics(*compilation, common.color);

  // Tokens of valid UTF-8 can be shown even when later stages failed: that is when they help.
  if (command.emit == "tokens") {
    const bool utf8Problem = std::any_of(compilation->diagnostics.diagnostics().begin(),
                                         compilation->diagnostics.diagnostics().end(), [](const Diagnostic& d) {
                                           return d.kind == DiagnosticCode::InvalidUtf8 ||
                                                  d.kind == DiagnosticCode::FileTooLarge;
                                         });
    if (!utf8Problem) {
      if (auto written = writeOutput(command.output, tokensText(*compilation)); !written) {
        printError(written.error().message);
        return kExitUsage;
      }
    }
    return compilation->diagnostics.hasErrors() ? kExitInputErrors : kExitSuccess;
  }
  if (compilation->diagnostics.hasErrors()) return kExitInputErrors;

  std::string text;
  if (command.emit == "ast") {
    for (const auto& file : compilation->files) text += dumpAst(file);
  } else if (command.emit == "llvm") {
    for (const auto& machine : compilation->program.machines) {
      const auto entries = jit::machineGuardEntries(machine);
      auto module = jit::emitLlvmIR(entries.entries, entries.contextTypes, "machine " + machine.name,
                                    common.optimizationLevel);
      if (!module) {
        printError(module.error().message);
        return kExitUsage;
      }
      // Quoted as JSON: a name may hold a line break, which would end the comment.
      text += fmt::format("; machine {} ({}): {} guard{}; approval_entry_N is the guard of the Nth guarded "
                          "transition\n",
                          nlohmann::json(machine.name).dump(), machine.contentHash, entries.entries.size(),
                          entries.entries.size() == 1 ? "" : "s");
      text += module.value();
    }
  } else {
    text = toJson(compilation->program).dump(2) + "\n";
  }
  if (auto written = writeOutput(command.output, text); !written) {
    printError(written.error().message);
    return kExitUsage;
  }
  return kExitSuccess;
}

}  // namespace approval::driver
