#include "diagnostics_output.h"

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
  std::cerr.flush();
}

}  // namespace approval::driver
