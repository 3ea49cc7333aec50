#include "sema/expansion_checks.h"

#include <fmt/format.h>

#include <algorithm>

namespace approval::sema {

bool checkExpansion(const ast::Machine& machine, const MachineSymbols& symbols, std::size_t maxTransitions,
                    DiagnosticSink& sink) {
  const auto nonFinal = static_cast<std::size_t>(std::count(symbols.isFinal.begin(), symbols.isFinal.end(), false));
  std::size_t expanded = 0;
  for (const auto& transition : machine.transitions) {
    const bool any = transition.source.kind == ast::TransitionSource::Kind::Any;
    const std::size_t sources = any ? nonFinal : transition.source.states.size();
    expanded += sources;
    if (expanded <= maxTransitions) continue;
    std::string stands = "this transition is one more";
    if (any) {
      stands = fmt::format("`*` stands for its {} state{} that {} not final", sources, sources == 1 ? "" : "s",
                           sources == 1 ? "is" : "are");
    } else if (sources > 1) {
      stands = fmt::format("its source list names {} states", sources);
    }
    sink.report(DiagnosticCode::TooManyTransitions, transition.span,
                fmt::format("machine \"{}\" has more than {} transitions once `*` and lists expand to one "
                            "transition per state",
                            machine.name.value, maxTransitions))
        .label(fmt::format("passes the limit here: {}", stands))
        .note(fmt::format("the transitions before this one already expand to {}", expanded - sources))
        .help("split the flow into smaller machines or use fewer `*` transitions; --max-transitions raises "
              "the limit");
    return false;
  }
  return true;
}

}  // namespace approval::sema
