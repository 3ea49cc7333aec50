// `approvalc graph FILE`: one machine as Graphviz DOT or Mermaid.
#include "approval/graph.h"
#include "commands.h"
#include "diagnostics_output.h"
#include "input_files.h"
#include "machine_choice.h"
#include "output_file.h"

namespace approval::driver {

int runGraph(const GraphCommand& command, const CommonOptions& common) {
  if (auto distinct = checkOutputIsNotInput(command.output, {command.file}); !distinct) {
    printError(distinct.error().message);
    return kExitUsage;
  }
  auto inputs = readInputs({command.file}, common.limits.maxFileBytes);
  if (!inputs) {
    printError(inputs.error().message);
    return kExitUsage;
  }
  const auto compilation = compile(std::move(inputs).value(), CompileOptions{.limits = common.limits});
  printDiagnostics(*compilation, common.color);
  if (compilation->diagnostics.hasErrors()) return kExitInputErrors;

  const auto chosen = chooseMachine(compilation->program.machines, command.machine, command.file);
  if (!chosen) {
    printError(chosen.error().message);
    return kExitUsage;
  }
  const std::string text = command.format == "mermaid" ? toMermaid(*chosen.value()) : toDot(*chosen.value());
  if (auto written = writeOutput(command.output, text); !written) {
    printError(written.error().message);
    return kExitUsage;
  }
  return kExitSuccess;
}

}  // namespace approval::driver
