// `approvalc graph FILE`: one machine as Graphviz DOT or Mermaid.
#include <fmt/format.h>

#include <iostream>

#include "approval/graph.h"
#include "commands.h"
#include "diagnostics_output.h"
#include "input_files.h"
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

  const auto& machines = compilation->program.machines;
  const ir::Machine* chosen = nullptr;
  if (!command.machine.empty()) {
    for (const auto& machine : machines) {
      if (machine.name == command.machine) chosen = &machine;
    }
    if (chosen == nullptr) {
      std::cerr << fmt::format("approvalc: error: `{}` has no machine named \"{}\"\n", command.file, command.machine);
      return kExitUsage;
    }
  } else if (machines.size() == 1) {
    chosen = &machines.front();
  } else {
    std::string names;
    for (const auto& machine : machines) names += fmt::format(" \"{}\"", machine.name);
    std::cerr << fmt::format("approvalc: error: `{}` has {} machines; pick one with --machine:{}\n", command.file,
                             machines.size(), names);
    return kExitUsage;
  }
  const std::string text = command.format == "mermaid" ? toMermaid(*chosen) : toDot(*chosen);
  if (auto written = writeOutput(command.output, text); !written) {
    printError(written.error().message);
    return kExitUsage;
  }
  return kExitSuccess;
}

}  // namespace approval::driver
