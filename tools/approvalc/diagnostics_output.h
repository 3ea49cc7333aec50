// Printing a compilation's diagnostics for a person (text on stderr).
#pragma once

#include "approval/compiler.h"
#include "commands.h"

namespace approval::driver {

/// Text diagnostics to standard error, colored per `mode`, NO_COLOR and whether stderr is
/// a terminal.
void printDiagnostics(const Compilation& compilation, ColorMode mode);

/// A note on standard error when diagnostics past the sink's limit were counted but not
/// kept: how many, and the limit.
void printNotShown(const Compilation& compilation);

}  // namespace approval::driver
