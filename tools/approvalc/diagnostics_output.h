// Printing a compilation's diagnostics for a person (text on stderr).
#pragma once

#include <string_view>

#include "approval/compiler.h"
#include "commands.h"

namespace approval::driver {

/// Text diagnostics to standard error, colored per `mode`, NO_COLOR and whether stderr is
/// a terminal.
void printDiagnostics(const Compilation& compilation, ColorMode mode);

/// `WHERE: error: MESSAGE` on standard error, both made printable (approval::printableText):
/// messages quote ids, names, paths and JSON from input, which must not reach a terminal as
/// control characters or forge a line of their own.
void printError(std::string_view message, std::string_view where = "approvalc");

/// A note on standard error when diagnostics past the sink's limit were counted but not
/// kept: how many, and the limit.
void printNotShown(const Compilation& compilation);

}  // namespace approval::driver
