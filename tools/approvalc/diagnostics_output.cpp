#include "diagnostics_output.h"

#include <fmt/format.h>
#include <unistd.h>

#include <cstdlib>
#include <iostream>

#include "approval/render.h"

namespace approval::driver {

namespace {
bool useColor(ColorMode mode) {
  // NO_COLOR (no-color.org) wins over everything, including --color=always.
  const char* noColor = std::getenv("NO_COLOR");
  if (noColor != nullptr && noColor[0] != '\0') return false;
  if (mode == ColorMode::Always) return true;
  if (mode == ColorMode::Never) return false;
  return isatty(STDERR_FILENO) == 1;
}
}  // namespace

void printDiagnostics(const Compilation& compilation, ColorMode mode) {
  const auto& diagnostics = compilation.diagnostics.diagnostics();
  if (diagnostics.empty()) return;
  std::cerr << renderText(diagnostics, compilation.sources, TextRenderOptions{.color = useColor(mode)});
  printNotShown(compilation);
}

void printError(std::string_view message, std::string_view where) {
  std::cerr << printableText(where) << ": error: " << printableText(message) << '\n';
}

void printNotShown(const Compilation& compilation) {
  const DiagnosticSink& sink = compilation.diagnostics;
  if (sink.droppedCount() > 0) {
    std::cerr << fmt::format("note: {} more diagnostics were found and not shown: at most {} are kept; fix the "
                             "first ones and check again\n",
                             sink.droppedCount(), sink.limit());
  }
  std::cerr.flush();
}

}  // namespace approval::driver
