// libFuzzer harness: DSL source text -> the whole front end as `approvalc check` / `approvalc
// FILE` run it: parse, every semantic check, diagnostics in all four renderers, tokens, and
// when the file checks clean: the AST dump, IR lowering, IR JSON (and loading it back),
// the graph renderers and the guards' LLVM IR (opt level 0).
//
// An input holding "\n@@FILE@@\n" is split there into several files compiled together (machine
// names must be unique across them).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "approval/ast_dump.h"
#include "approval/compiler.h"
#include "approval/graph.h"
#include "approval/ir_json.h"
#include "approval/jit.h"
#include "approval/render.h"
#include "approval/syntax.h"
#include "ir_round_trip.h"

using namespace approval;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view all(reinterpret_cast<const char*>(data), size);
  std::vector<InputFile> inputs;
  constexpr std::string_view kSep = "\n@@FILE@@\n";
  std::size_t start = 0;
  for (int n = 0;; ++n) {
    const std::size_t at = n < 3 ? all.find(kSep, start) : std::string_view::npos;
    const std::string_view part = all.substr(start, at == std::string_view::npos ? std::string_view::npos : at - start);
    inputs.push_back({"fuzz" + std::to_string(n) + ".dsl", std::string(part)});
    if (at == std::string_view::npos) break;
    start = at + kSep.size();
  }

  const auto compilation = compile(std::move(inputs), CompileOptions{});
  const auto& diagnostics = compilation->diagnostics.diagnostics();
  (void)renderText(diagnostics, compilation->sources, TextRenderOptions{.color = false});
  (void)renderText(diagnostics, compilation->sources, TextRenderOptions{.color = true});
  (void)renderJson(diagnostics, compilation->sources);
  (void)renderSarif(diagnostics, compilation->sources);
  (void)renderGithub(diagnostics, compilation->sources);

  bool utf8Problem = false;
  for (const auto& d : diagnostics) {
    if (d.kind == DiagnosticCode::InvalidUtf8 || d.kind == DiagnosticCode::FileTooLarge) utf8Problem = true;
  }
  if (!utf8Problem) {
    for (FileId id = 0; id < compilation->sources.size(); ++id) (void)tokenize(compilation->sources.file(id), id);
  }
  if (compilation->diagnostics.hasErrors()) return 0;

  for (const auto& file : compilation->files) (void)dumpAst(file);
  fuzz::requireStableRoundTrip(compilation->program);
  for (const auto& machine : compilation->program.machines) {
    (void)toDot(machine);
    (void)toMermaid(machine);
    const auto entries = jit::machineGuardEntries(machine);
    auto module = jit::emitLlvmIR(entries.entries, entries.contextTypes, "fuzz", 0);
    (void)module;
  }
  return 0;
}
