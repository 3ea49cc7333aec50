// `approvalc check FILE...`: the CI lint step. Diagnostics go to stdout in machine formats
// and to stderr as text.
#include <iostream>

#include "approval/render.h"
#include "commands.h"
#include "diagnostics_output.h"
#include "input_files.h"

namespace approval::driver {

int runCheck(const CheckCommand& command, const CommonOptions& common) {
  auto inputs = readInputs(command.files, common.limits.maxFileBytes);
  if (!inputs) {
    printError(inputs.error().message);
    return kExitUsage;
  }
  const auto compilation =
      compile(std::move(inputs).value(), CompileOptions{.limits = common.limits, .lower = false});
  const auto& diagnostics = compilation->diagnostics.diagnostics();
  const std::size_t notShown = compilation->diagnostics.droppedCount();
  if (command.format == "text") {
    printDiagnostics(*compilation, common.color);
    // The report itself went to standard error: with nowhere to say so, the exit status does.
    if (!std::cerr) return kExitUsage;
  } else if (command.format == "json") {
    std::cout << renderJson(diagnostics, compilation->sources, notShown) << '\n';
  } else if (command.format == "sarif") {
    std::cout << renderSarif(diagnostics, compilation->sources, notShown) << '\n';
  } else {
    std::cout << renderGithub(diagnostics, compilation->sources, notShown);
  }
  std::cout.flush();
  if (command.format != "text") printNotShown(*compilation);  // text printed it with the rest
  if (!std::cout) {
    std::cerr << "approvalc: error: cannot write to standard output\n";
    return kExitUsage;
  }
  const bool failed = compilation->diagnostics.hasErrors() ||
                      (command.werror && compilation->diagnostics.warningCount() > 0);
  return failed ? kExitInputErrors : kExitSuccess;
}

}  // namespace approval::driver
