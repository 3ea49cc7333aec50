#include "machine_choice.h"

#include <fmt/format.h>

#include "approval/ast.h"
#include "approval/diagnostic.h"

namespace approval::driver {

namespace {

/// Names quoted as the DSL writes them: a name may hold spaces, commas or quotes.
std::string quotedList(const std::vector<std::string>& names) {
  std::string text;
  for (const auto& name : names) text += (text.empty() ? "" : ", ") + ast::quoteString(name);
  return text;
}

}  // namespace

Result<const ir::Machine*> chooseMachine(const std::vector<ir::Machine>& machines, const std::string& requested,
                                         const std::string& path) {
  const std::string file = path == "-" ? "<stdin>" : path;  // as diagnostics name standard input
  if (requested.empty() && machines.size() == 1) return &machines.front();
  std::vector<std::string> names;
  for (const auto& machine : machines) {
    if (!requested.empty() && machine.name == requested) return &machine;
    names.push_back(machine.name);
  }
  // Compiling refuses a file without machines (E0108); said here too, not "0 machines".
  if (names.empty()) return Error{fmt::format("`{}` declares no state machine", file)};
  const std::string choose = fmt::format("choose one with --machine NAME: {}", quotedList(names));
  if (requested.empty()) {
    return Error{fmt::format("`{}` has {} machines; {}", file, machines.size(), choose)};
  }
  std::string guess;
  if (const auto match = closestMatch(requested, names)) {
    guess = fmt::format("did you mean {}? ", ast::quoteString(*match));
  }
  return Error{fmt::format("`{}` has no machine named {}; {}{}", file, ast::quoteString(requested), guess, choose)};
}

}  // namespace approval::driver
