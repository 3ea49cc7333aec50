// Choosing the one machine that `graph` and `run` work on, with one wording for both when
// the choice fails.
#pragma once

#include <string>
#include <vector>

#include "approval/ir.h"
#include "approval/result.h"

namespace approval::driver {

/// The machine named `requested` (the --machine value), or with `requested` empty the only
/// machine of the file at `path` (`-`: standard input). Otherwise a usage error for
/// printError: several machines and none requested, or none by the requested name (with a
/// did-you-mean when one is close); both list the machines to choose from.
[[nodiscard]] Result<const ir::Machine*> chooseMachine(const std::vector<ir::Machine>& machines,
                                                       const std::string& requested, const std::string& path);

}  // namespace approval::driver
