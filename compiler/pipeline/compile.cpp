#include "approval/compiler.h"

#include "approval/lower.h"
#include "approval/sema.h"

namespace approval {

std::unique_ptr<Compilation> compile(std::vector<InputFile> inputs, const CompileOptions& options) {
  auto compilation = std::make_unique<Compilation>();
  std::vector<FileId> ids;
  for (auto& input : inputs) ids.push_back(compilation->sources.add(std::move(input.path), std::move(input.text)));

  // Sema on a file that failed to parse would only report consequences of the syntax
  // error, so only the files that parsed cleanly are checked.
  std::vector<bool> parsedCleanly;
  for (const FileId id : ids) {
    const std::size_t errorsBefore = compilation->diagnostics.errorCount();
    compilation->files.push_back(parseFile(compilation->sources, id, options.limits, compilation->diagnostics));
    parsedCleanly.push_back(compilation->diagnostics.errorCount() == errorsBefore);
  }
  std::vector<const ast::File*> parsed;
  for (std::size_t i = 0; i < compilation->files.size(); ++i) {
    if (parsedCleanly[i]) parsed.push_back(&compilation->files[i]);
  }
  const bool checked = checkProgram(parsed, compilation->diagnostics);
  if (checked && !compilation->diagnostics.hasErrors()) {
    for (const auto& file : compilation->files) {
      for (const auto& machine : file.machines) {
        compilation->program.machines.push_back(lowerMachine(machine, compilation->sources));
      }
    }
  }
  compilation->diagnostics.sortByLocation();
  return compilation;
}

}  // namespace approval
