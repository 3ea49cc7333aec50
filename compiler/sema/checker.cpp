// checkProgram: every machine of every file, machine names unique across files.
#include <fmt/format.h>

#include <unordered_map>

#include "approval/sema.h"
#include "sema/declaration_checks.h"
#include "sema/expansion_checks.h"
#include "sema/graph_checks.h"
#include "sema/machine_symbols.h"
#include "sema/shadowing.h"
#include "sema/transition_checks.h"

namespace approval {

bool checkProgram(const std::vector<const ast::File*>& files, DiagnosticSink& sink, const InputLimits& limits) {
  const std::size_t errorsBefore = sink.errorCount();
  std::unordered_map<std::string, const ast::Machine*> machinesByName;
  for (const ast::File* file : files) {
    for (const auto& machine : file->machines) {
      auto [found, inserted] = machinesByName.emplace(machine.name.value, &machine);
      if (!inserted) {
        sink.report(DiagnosticCode::DuplicateMachine, machine.name.span,
                    fmt::format("machine \"{}\" is declared twice", machine.name.value))
            .label("declared again here")
            .secondary(found->second->name.span, "first declared here")
            .help("machine names are global: rename one, or bump `version:` in a separate file set");
      }
      const std::size_t machineErrorsBefore = sink.errorCount();
      const sema::MachineSymbols symbols = sema::buildSymbols(machine);
      sema::checkDeclarations(machine, symbols, sink);
      // The checks below walk every expanded transition: past the limit, they are skipped.
      if (!sema::checkExpansion(machine, symbols, limits.maxTransitions, sink)) continue;
      const auto shadowings = sema::findShadowing(machine, symbols);
      sema::checkTransitions(machine, symbols, shadowings, sink);
      sema::checkRoutes(machine, sink);
      // Reachability over a graph with unresolved names would warn about consequences
      // of those errors, not about the flow: the whole-machine warnings need a machine
      // without errors, its literals' (E0109, found while parsing) and its routes' included.
      if (sink.errorCount() == machineErrorsBefore && !machine.malformedLiterals) {
        sema::checkGraph(machine, symbols, shadowings, sink);
        sema::checkEmitsRouted(machine, sink);
      }
    }
  }
  return sink.errorCount() == errorsBefore;
}

}  // namespace approval
