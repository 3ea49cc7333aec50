#include "sema/transition_checks.h"

#include <fmt/format.h>

#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "approval/stdlib.h"
#include "sema/declaration_checks.h"
#include "sema/expression_checks.h"
#include "sema/type_checks.h"

namespace approval::sema {

namespace {

class TransitionChecker {
 public:
  TransitionChecker(const ast::Machine& machine, const MachineSymbols& symbols,
                    const std::vector<Shadowing>& shadowings, DiagnosticSink& sink)
      : machine_(machine), symbols_(symbols), shadowings_(shadowings), sink_(sink), stateNames_(symbols.stateNames()) {
    for (const auto* event : symbols.declaredEvents) declaredEventNames_.push_back(event->name.value);
  }

  void run() {
    for (const auto& transition : machine_.transitions) {
      checkStateNames(transition);
      checkTrigger(transition);
      const ExpressionScope scope{symbols_, eventDeclOf(transition), transition.trigger.kind == ast::Trigger::Kind::Timer,
                                  false};
      if (transition.guard) {
        checkExpression(*transition.guard, scope, sink_);
        checkGuardType(*transition.guard, scope, sink_);
      }
      for (const auto& action : transition.actions) checkAction(action, scope);
    }
    if (!machine_.states) return;  // without states every name is unknown; nothing more to say
    checkAmbiguity();
  }

 private:
  const ast::EventDecl* eventDeclOf(const ast::Transition& transition) const {
    if (transition.trigger.kind != ast::Trigger::Kind::Event) return nullptr;
    return symbols_.findEvent(transition.trigger.event.value);
  }

  void reportUnknownState(const ast::Name& name) {
    if (!machine_.states || machine_.states->states.empty()) return;  // reported once as MissingStates
    sink_.report(DiagnosticCode::UnknownState, name.span, fmt::format("unknown state `{}`", name.text))
        .label("not declared in `states:`")
        .helpFrom([&] { return suggestion(sink_, name.text, stateNames_, fmt::format("add `{}` to `states:`", name.text)); });
  }

  void checkStateNames(const ast::Transition& transition) {
    checkSourceList(transition.source);
    for (const auto& name : transition.source.states) {
      const auto state = symbols_.findState(name.text);
      if (!state) {
        reportUnknownState(name);
      } else if (symbols_.finalsDeclared && symbols_.isFinal[*state]) {
        sink_.report(DiagnosticCode::TransitionFromFinal, name.span,
                     fmt::format("`{}` is a final state, but this transition leaves it", name.text))
            .secondary(finalEntryOf(name.text), "declared final here")
            .help(fmt::format("remove `{}` from `final:` or remove the transition", name.text));
      }
    }
    if (!symbols_.findState(transition.target.text)) reportUnknownState(transition.target);
  }

  /// The entry of `final:` naming `state`, so the label underlines that name, not the list.
  SourceSpan finalEntryOf(const std::string& state) const {
    for (const auto& name : machine_.finals->states) {
      if (name.text == state) return name.span;
    }
    return machine_.finals->span;
  }

  /// `[]` stands for no transition at all, and `[A, A]` for one transition twice: as in
  /// `states:` and `final:`, a list names each state once.
  void checkSourceList(const ast::TransitionSource& source) {
    if (source.kind != ast::TransitionSource::Kind::List) return;
    if (source.states.empty()) {
      sink_.report(DiagnosticCode::EmptySourceList, source.span, "a source list needs at least one state")
          .label("names no state, so this transition stands for none")
          .help("list the states this transition leaves, e.g. `[A, B]`, or remove the transition");
      return;
    }
    std::unordered_map<std::string, const ast::Name*> seen;
    for (const auto& name : source.states) {
      const auto [first, inserted] = seen.emplace(name.text, &name);
      if (inserted) continue;
      sink_.report(DiagnosticCode::DuplicateState, name.span,
                   fmt::format("`{}` is listed twice in this source list", name.text))
          .label("listed again here")
          .secondary(first->second->span, "first listed here")
          .help("remove one of them: each state in the list is one transition");
    }
  }

  void checkTrigger(const ast::Transition& transition) {
    const auto& trigger = transition.trigger;
    if (transition.source.kind == ast::TransitionSource::Kind::Any && !symbols_.states.empty() &&
        symbols_.sourcesOf(transition).empty()) {
      sink_.report(DiagnosticCode::StarMatchesNothing, transition.source.span,
                   "`*` matches no state here: every state is final")
          .label("can never fire")
          .help(symbols_.finalsDeclared ? "remove the transition, or take states out of `final:`"
                                        : "declare `final: [...]`: without it, states that no transition "
                                          "names as its source count as final, and `*` does not count");
    }
    // `events` may list only the events that carry a payload, so an undeclared event is
    // suspicious only when it is one typo away from a declared one. Each search compares the
    // name with every declared one: past the compilation's budget for such searches
    // (thousands of undeclared events against thousands of declared ones) the rest are not
    // searched, so a check stays linear.
    if (trigger.kind == ast::Trigger::Kind::Event && !machine_.events.empty() &&
        symbols_.findEvent(trigger.event.value) == nullptr && !sink_.full() &&
        sink_.spendSuggestionComparisons(declaredEventNames_.size())) {
      if (auto match = closestMatch(trigger.event.value, declaredEventNames_)) {
        sink_.report(DiagnosticCode::UndeclaredEvent, trigger.event.span,
                     fmt::format("event \"{}\" is not declared, but \"{}\" is", trigger.event.value, *match))
            .label("not declared in `events`")
            .help(fmt::format("did you mean `{}`? If \"{}\" is a different event, declare it in `events`", *match,
                              trigger.event.value));
      }
    }
    if (trigger.kind == ast::Trigger::Kind::Timer) {
      if (trigger.delay && trigger.delay->milliseconds == 0) {  // no delay: its literal is already E0109
        sink_.report(DiagnosticCode::ZeroDuration, trigger.span, "a timer of zero length fires immediately")
            .help("give a positive delay such as `after 48h`, or make this an event transition");
      }
    } else if (trigger.event.value.empty()) {
      sink_.report(DiagnosticCode::EmptyName, trigger.event.span, "event name is empty").help("name the event");
    }
  }

  void checkAction(const ast::Action& action, const ExpressionScope& scope) {
    checkCall(action.call, scope, false);
    if (!action.compensation) return;
    if (findBuiltinAction(action.call.name.text) != nullptr) {
      sink_.report(DiagnosticCode::InvalidActionArgument, action.compensation->span,
                   fmt::format("built-in action `{}` cannot register a compensation", action.call.name.text))
          .help("attach `compensate undo(...)` to a host action");
    }
    checkCall(*action.compensation, scope, true);
  }

  void checkCall(const ast::Call& call, const ExpressionScope& scope, bool isCompensation) {
    for (const auto& argument : call.arguments) {
      if (call.name.text == "set" && &argument == &call.arguments.front()) continue;  // a field, not a value
      checkExpression(*argument, scope, sink_);
      // `set`'s value is typed against its field below; `emit` takes a literal.
      if (call.name.text != "set" && call.name.text != "emit") checkTypes(*argument, scope, sink_);
    }
    const std::string& name = call.name.text;
    if (const BuiltinAction* builtin = findBuiltinAction(name)) {
      if (isCompensation) {
        sink_.report(DiagnosticCode::InvalidActionArgument, call.span,
                     fmt::format("`{}` cannot be a compensation", name))
            .help("a compensation is a host action that undoes the action before it");
        return;
      }
      if (call.arguments.size() != builtin->arguments) {
        sink_.report(DiagnosticCode::WrongArgumentCount, call.span,
                     fmt::format("`{}` takes {} argument{}, but {} {} given", name, builtin->arguments,
                                 builtin->arguments == 1 ? "" : "s", call.arguments.size(),
                                 call.arguments.size() == 1 ? "was" : "were"))
            .help(fmt::format("write `{}`", builtin->signature));
        return;
      }
      if (name == "emit") checkEmit(*call.arguments[0]);
      if (name == "set") checkSet(*call.arguments[0], *call.arguments[1], scope);
      return;
    }
    const auto [found, inserted] = hostArity_.emplace(name, &call);
    if (!inserted && found->second->arguments.size() != call.arguments.size()) {
      sink_.report(DiagnosticCode::WrongArgumentCount, call.span,
                   fmt::format("host action `{}` is called with {} argument{} here but {} elsewhere", name,
                               call.arguments.size(), call.arguments.size() == 1 ? "" : "s",
                               found->second->arguments.size()))
          .secondary(found->second->span, "first called here")
          .help("a host action has one signature; pass the same arguments everywhere");
    }
  }

  void checkEmit(const ast::Expr& argument) {
    const auto* name = std::get_if<std::string>(&argument.literal);
    if (argument.kind != ast::ExprKind::Literal || name == nullptr) {
      sink_.report(DiagnosticCode::InvalidActionArgument, argument.span, "`emit` takes the event name as a string literal")
          .help("write e.g. `emit(\"onApproved\")`");
    } else if (name->empty()) {
      sink_.report(DiagnosticCode::EmptyName, argument.span, "emitted event name is empty").help("name the event");
    }
  }

  void checkSet(const ast::Expr& field, const ast::Expr& value, const ExpressionScope& scope) {
    if (field.kind != ast::ExprKind::Ident) {
      sink_.report(DiagnosticCode::InvalidActionArgument, field.span, "`set` takes a context field name first")
          .help("write e.g. `set(amount, amount * 2)`");
      return;
    }
    if (const auto index = symbols_.findContextField(field.name)) {
      const ast::FieldDecl& declaration = *symbols_.context[*index];
      checkAssignment(field.name, declaration.type, value, scope, sink_);
    } else if (field.name == "event") {  // no context field may take the name (E0206)
      sink_.report(DiagnosticCode::UnknownField, field.span, "`set` cannot assign `event`")
          .label("the event being applied, not a context field")
          .help("`set` assigns a context field: keep what the event says in one, e.g. `set(note, event.comment)`");
    } else {
      sink_.report(DiagnosticCode::UnknownField, field.span, fmt::format("`set` names unknown field `{}`", field.name))
          .label("not a context field")
          .helpFrom([&] { return suggestion(sink_, field.name, symbols_.contextFieldNames(),
                           fmt::format("declare it in `context {{ {}: TYPE }}`", field.name)); });
    }
  }

  /// Reports each (winner, shadowed) pair once, at the first state where it applies.
  void checkAmbiguity() {
    std::unordered_set<std::uint64_t> reportedPairs;
    for (const Shadowing& shadowing : shadowings_) {
      const std::uint64_t pair = (static_cast<std::uint64_t>(shadowing.winner) << 32) | shadowing.shadowed;
      if (!reportedPairs.insert(pair).second) continue;
      const ast::Transition& winner = machine_.transitions[shadowing.winner];
      const ast::Transition& shadowed = machine_.transitions[shadowing.shadowed];
      if (shadowing.reason == Shadowing::Reason::ShorterTimer) {
        reportLongerTimer(winner, shadowed, shadowing.state);
      } else {
        reportConflict(winner, shadowed, shadowing.state);
      }
    }
  }

  void reportConflict(const ast::Transition& earlier, const ast::Transition& later, std::uint32_t state) {
    const std::string& stateName = symbols_.states[state]->text;
    const std::string trigger = triggerKey(later.trigger);
    if (!later.guard) {
      sink_.report(DiagnosticCode::AmbiguousTransitions, later.span,
                   fmt::format("two unguarded transitions from `{}` {}", stateName, trigger))
          .label("this one")
          .secondary(earlier.span, "conflicts with this one")
          .help("add an `if` guard to the first one, or remove one of them");
    } else {
      sink_.report(DiagnosticCode::ShadowedTransition, later.span,
                   fmt::format("this transition from `{}` {} can never fire", stateName, trigger))
          .label("never tried")
          .secondary(earlier.span, "this earlier transition has no guard and always wins")
          .help("move the guarded transition before the unguarded one");
    }
  }

  void reportLongerTimer(const ast::Transition& shorter, const ast::Transition& longer, std::uint32_t state) {
    const std::string& stateName = symbols_.states[state]->text;
    const std::string shorterDelay = ast::formatDuration(shorter.trigger.delay->milliseconds);
    sink_.report(DiagnosticCode::ShadowedTransition, longer.span,
                 fmt::format("this transition from `{}` {} can never fire: the unguarded timer after {} always "
                             "leaves `{}` first",
                             stateName, triggerKey(longer.trigger), shorterDelay, stateName))
        .label("never due while the instance is still in this state")
        .secondary(shorter.span, fmt::format("always leaves `{}` after {}", stateName, shorterDelay))
        .note("timers are tried in order of their delay, and leaving a state cancels its other timers")
        .help(fmt::format("give this timer a delay below {}, add an `if` guard to the shorter one, or remove "
                          "this one",
                          shorterDelay));
  }

  const ast::Machine& machine_;
  const MachineSymbols& symbols_;
  const std::vector<Shadowing>& shadowings_;
  DiagnosticSink& sink_;
  std::vector<std::string> stateNames_;
  std::vector<std::string> declaredEventNames_;  // for W0303: built once, not per transition
  std::unordered_map<std::string, const ast::Call*> hostArity_;
};

}  // namespace

void checkTransitions(const ast::Machine& machine, const MachineSymbols& symbols,
                      const std::vector<Shadowing>& shadowings, DiagnosticSink& sink) {
  TransitionChecker(machine, symbols, shadowings, sink).run();
}

}  // namespace approval::sema
