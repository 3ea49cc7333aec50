#include "approval/compiler.h"

#include "approval/lower.h"
#include "approval/sema.h"
#include "pipeline/large_stack.h"

namespace approval {

namespace {

void runPipeline(std::vector<InputFile>& inputs, const CompileOptions& options, Compilation* compilation) {
  std::vector<FileId> ids;
  for (auto& input : inputs) ids.push_back(compilation->sources.add(std::move(input.path), std::move(input.text)));

  // Sema on an incomplete tree would only report consequences of the syntax errors, so
  // only complete files are checked (a bad literal leaves its file complete).
  for (const FileId id : ids) {
    compilation->files.push_back(parseFile(compilation->sources, id, options.limits, compilation->diagnostics));
  }
  std::vector<const ast::File*> parsed;
  for (const auto& file : compilation->files) {
    if (file.complete) parsed.push_back(&file);
  }
  const bool checked = checkProgram(parsed, compilation->diagnostics, options.limits);
  if (options.lower && checked && !compilation->diagnostics.hasErrors()) {
    for (const auto& file : compilation->files) {
      for (const auto& machine : file.machines) {
        compilation->program.machines.push_back(lowerMachine(machine, compilation->sources));
      }
    }
  }
  compilation->diagnostics.sortByLocation();
}

}  // namespace

std::unique_ptr<Compilation> compile(std::vector<InputFile> inputs, const CompileOptions& options) {
  auto compilation = std::make_unique<Compilation>();
  pipeline::runWithLargeStack([&] { runPipeline(inputs, options, compilation.get()); });
  return compilation;
}

}  // namespace approval
