// Printing a compilation's diagnostics for a person (text on stderr).
#pragma once

#include "approval/compiler.h"
#include "commands.h"

namespace approval::driver {

/// Text diagnostics to standard error, colored per `mode`, NO_COLOR and whether stderr is
/// a terminal.
void printDiagnostics(const Compilation& compilation, ColorMode mode);

}  // namespace approval::driver
