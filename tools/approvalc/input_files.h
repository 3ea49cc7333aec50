// Reading the command line's input files. Failures are usage/I-O errors (exit 2), reported
// as messages, not as source diagnostics.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "approval/compiler.h"
#include "approval/result.h"

namespace approval::driver {

/// Reads each file, refusing directories and files over `maxBytes` + 1 (the compiler then
/// reports the size limit as a located diagnostic). `-` reads standard input.
[[nodiscard]] Result<std::vector<InputFile>> readInputs(const std::vector<std::string>& paths, std::size_t maxBytes);

/// "cannot read standard input: ..." when a read of standard input failed (a directory or a
/// closed descriptor as stdin): std::cin takes a failed read for the end of the input.
[[nodiscard]] std::optional<std::string> standardInputError();

/// Whether `path` can be opened to read (an events file, read line by line): a directory or a
/// file that cannot be opened is an error that says so.
[[nodiscard]] Result<bool> checkReadable(const std::string& path);

}  // namespace approval::driver
