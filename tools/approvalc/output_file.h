// Writing the command line's output file (`-o FILE`) without ever losing what was there: the
// text goes to a new file beside it that then replaces it in one rename, so a failed or
// interrupted write leaves the old file whole, and an output that is one of the inputs is
// refused before anything is written. Failures are usage/I-O errors (exit 2).
#pragma once

#include <string>
#include <vector>

#include "approval/result.h"

namespace approval::driver {

/// An error when `output` names the same file as one of `inputs` (through any path or
/// symbolic link): writing it would overwrite the source that was just read.
[[nodiscard]] Result<bool> checkOutputIsNotInput(const std::string& output, const std::vector<std::string>& inputs);

/// Writes `text` to `path`, or to standard output for "", "-" or /dev/stdout. A regular file
/// (or a symbolic link to one) is replaced atomically, keeping its permissions; a device or
/// pipe such as /dev/null, or anything named through /dev or /proc, is written in place.
[[nodiscard]] Result<bool> writeOutput(const std::string& path, const std::string& text);

}  // namespace approval::driver
