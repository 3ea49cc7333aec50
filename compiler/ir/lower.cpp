// Lowers a checked machine to the IR: names become dense indices, `*` and state lists are
// expanded, and the per-(state, event) rows keep declaration order.
#include "approval/lower.h"

#include <algorithm>
#include <map>
#include <unordered_map>

#include "approval/stdlib.h"
#include "sema/machine_symbols.h"
#include "sema/type_checks.h"

namespace approval {

namespace {

std::string spellType(const ast::TypeRef& type) {
  std::string text = type.name.text;
  if (type.arguments.empty()) return text;
  text += '<';
  for (std::size_t i = 0; i < type.arguments.size(); ++i) {
    if (i > 0) text += ", ";
    text += spellType(type.arguments[i]);
  }
  return text + '>';
}

/// IR spans point into the machine's own `sourcePath`, so they carry no file id: the IR
/// of a multi-file compilation then loads back equal to what was written.
SourceSpan irSpan(SourceSpan span) {
  span.file = 0;
  return span;
}

ir::Call::Kind callKind(const std::string& name) {
  if (name == "emit") return ir::Call::Kind::Emit;
  if (name == "set") return ir::Call::Kind::Set;
  if (name == "compensate") return ir::Call::Kind::Compensate;
  return ir::Call::Kind::Host;
}

class Lowering {
 public:
  Lowering(const ast::Machine& machine, const SourceManager& sources)
      : machine_(machine), sources_(sources), symbols_(sema::buildSymbols(machine)) {}

  ir::Machine run() {
    ir::Machine out;
    out.name = machine_.name.value;
    out.version = machine_.version.value_or(1);
    out.sourcePath = sources_.file(machine_.span.file).path();
    for (const auto* field : symbols_.context) out.context.push_back(lowerField(*field));
    for (std::uint32_t state = 0; state < symbols_.states.size(); ++state) {
      out.states.push_back({symbols_.states[state]->text, symbols_.isFinal[state]});
    }
    out.initial = symbols_.initial.value_or(0);
    out.quorum = lowerQuorum();
    collectEvents();
    out.table.resize(out.states.size());
    for (std::uint32_t declaration = 0; declaration < machine_.transitions.size(); ++declaration) {
      lowerTransition(machine_.transitions[declaration], declaration, out);
    }
    for (auto& row : out.table) {
      std::stable_sort(row.events.begin(), row.events.end(),
                       [](const auto& a, const auto& b) { return a.event < b.event; });
      std::stable_sort(row.timers.begin(), row.timers.end(), [&](auto a, auto b) {
        return *out.transitions[a].delayMs < *out.transitions[b].delayMs;
      });
    }
    for (const auto& route : machine_.routes) {
      ir::Route lowered{eventIndex(route.event.value), {}};
      for (const auto& target : route.targets) lowered.targets.push_back(target.value);
      out.routes.push_back(std::move(lowered));
    }
    out.events = std::move(events_);
    for (const auto& [name, arity] : hostActions_) out.hostActions.push_back({name, arity});
    out.contentHash = computeContentHash(out);
    return out;
  }

 private:
  ir::Field lowerField(const ast::FieldDecl& field, const ast::EventDecl* event = nullptr) {
    ir::Field lowered{field.name.text, spellType(field.type), std::nullopt};
    if (field.defaultValue) {
      typeRoot(*field.defaultValue, event, false);
      lowered.defaultValue = lowerExpr(*field.defaultValue);
    }
    return lowered;
  }

  ir::Quorum lowerQuorum() const {
    ir::Quorum quorum;
    if (!machine_.quorum) {
      if (auto reviewers = symbols_.findContextField("reviewers")) {
        quorum.kind = ir::QuorumKind::Majority;
        quorum.field = *reviewers;
      }
      return quorum;
    }
    const auto& policy = *machine_.quorum;
    quorum.isDefault = false;
    quorum.value = policy.value.value_or(0);  // a malformed literal is an error: never lowered
    switch (policy.kind) {
      case ast::QuorumPolicy::Kind::Count: quorum.kind = ir::QuorumKind::Count; break;
      case ast::QuorumPolicy::Kind::Percent: quorum.kind = ir::QuorumKind::Percent; break;
      case ast::QuorumPolicy::Kind::All: quorum.kind = ir::QuorumKind::All; quorum.value = 0; break;
    }
    if (policy.field) quorum.field = symbols_.findContextField(policy.field->text);
    return quorum;
  }

  /// Declared events first, then events in the order transitions, emits and routes use them.
  /// A `*` line that matches no state (W0302) lowers to no transition, so neither its event
  /// nor its emits and host actions are registered: written back as source (the load-time
  /// check, approval/ir_verify.h), nothing would mention them.
  void collectEvents() {
    for (const auto* event : symbols_.declaredEvents) {
      ir::Event lowered{event->name.value, {}, true};
      for (const auto& field : event->fields) lowered.payload.push_back(lowerField(field, event));
      addEvent(std::move(lowered));
    }
    for (const auto& transition : machine_.transitions) {
      if (symbols_.sourcesOf(transition).empty()) continue;
      if (transition.trigger.kind == ast::Trigger::Kind::Event) eventIndex(transition.trigger.event.value);
      for (const auto& action : transition.actions) {
        if (action.call.name.text != "emit" || action.call.arguments.size() != 1) continue;
        if (const auto* name = std::get_if<std::string>(&action.call.arguments[0]->literal)) eventIndex(*name);
      }
    }
    for (const auto& route : machine_.routes) eventIndex(route.event.value);
  }

  ir::EventIndex addEvent(ir::Event event) {
    const auto index = static_cast<ir::EventIndex>(events_.size());
    eventIndices_.emplace(event.name, index);
    events_.push_back(std::move(event));
    return index;
  }

  ir::EventIndex eventIndex(const std::string& name) {
    auto found = eventIndices_.find(name);
    if (found != eventIndices_.end()) return found->second;
    return addEvent(ir::Event{name, {}, false});
  }

  void lowerTransition(const ast::Transition& transition, std::uint32_t declaration, ir::Machine& out) {
    const auto sources = symbols_.sourcesOf(transition);
    if (sources.empty()) return;  // W0302: see collectEvents
    ir::Transition base;
    base.target = *symbols_.findState(transition.target.text);
    if (transition.trigger.kind == ast::Trigger::Kind::Event) {
      base.event = eventIndex(transition.trigger.event.value);
    } else {
      base.delayMs = transition.trigger.delay.value_or(ast::Duration{}).milliseconds;  // as above
    }
    const bool isTimer = transition.trigger.kind == ast::Trigger::Kind::Timer;
    const ast::EventDecl* event = isTimer ? nullptr : symbols_.findEvent(transition.trigger.event.value);
    if (transition.guard) {
      typeRoot(*transition.guard, event, isTimer);
      base.guard = lowerExpr(*transition.guard);
    }
    for (const auto& action : transition.actions) {
      for (const auto* call : {&action.call, action.compensation ? &*action.compensation : nullptr}) {
        if (call == nullptr) continue;
        for (const auto& argument : call->arguments) typeRoot(*argument, event, isTimer);
      }
      ir::Action lowered{lowerCall(action.call), std::nullopt};
      if (action.compensation) lowered.compensation = lowerCall(*action.compensation);
      base.actions.push_back(std::move(lowered));
    }
    base.declaration = declaration;
    base.span = irSpan(transition.span);
    for (const auto source : sources) {
      const auto index = static_cast<ir::TransitionIndex>(out.transitions.size());
      ir::Transition expanded = base;
      expanded.source = source;
      out.transitions.push_back(std::move(expanded));
      auto& row = out.table[source];
      if (base.event) {
        // Found by a map, not by a scan of the row: a `*` line per event gives every row
        // as many events as there are lines.
        const std::uint64_t key = (std::uint64_t{source} << 32) | *base.event;
        auto [position, added] = rowEventPositions_.emplace(key, row.events.size());
        if (added) {
          row.events.push_back({*base.event, {index}});
        } else {
          row.events[position->second].transitions.push_back(index);
        }
      } else {
        row.timers.push_back(index);
      }
    }
  }

  ir::Call lowerCall(const ast::Call& call) {
    ir::Call lowered{callKind(call.name.text), call.name.text, {}};
    for (const auto& argument : call.arguments) lowered.arguments.push_back(lowerExpr(*argument));
    if (lowered.kind == ir::Call::Kind::Host) {
      hostActions_.emplace(call.name.text, static_cast<std::uint32_t>(call.arguments.size()));
    }
    return lowered;
  }

  // Public for lowerExpression: a standalone expression is lowered against a machine's
  // context the same way a guard is.
 public:
  /// Types every node of a root expression (guard, argument, default) as sema did; the
  /// program was checked, so nothing new can be reported.
  void typeRoot(const ast::Expr& root, const ast::EventDecl* event, bool isTimer) {
    DiagnosticSink alreadyChecked;
    const sema::ExpressionScope scope{symbols_, event, isTimer, false};
    sema::checkTypes(root, scope, alreadyChecked, &types_);
  }

  ir::Expr lowerExpr(const ast::Expr& expr) {
    ir::Expr lowered;
    lowered.span = irSpan(expr.span);
    if (const auto found = types_.find(&expr); found != types_.end()) lowered.type = found->second;
    lowered.literal = expr.literal;
    lowered.name = expr.name;
    lowered.receiverCall = expr.receiverCall;
    lowered.unaryOp = expr.unaryOp;
    lowered.binaryOp = expr.binaryOp;
    switch (expr.kind) {
      case ast::ExprKind::Literal: lowered.kind = ir::ExprKind::Literal; break;
      case ast::ExprKind::Ident: lowerIdent(expr, lowered); return lowered;
      case ast::ExprKind::Select:
        if (isEventRoot(*expr.operands[0])) {
          lowered.kind = ir::ExprKind::EventField;
          return lowered;
        }
        lowered.kind = ir::ExprKind::Select;
        break;
      case ast::ExprKind::Call: lowered.kind = ir::ExprKind::Call; break;
      case ast::ExprKind::Index: lowered.kind = ir::ExprKind::Index; break;
      case ast::ExprKind::List: lowered.kind = ir::ExprKind::List; break;
      case ast::ExprKind::Map: lowered.kind = ir::ExprKind::Map; break;
      case ast::ExprKind::Unary: lowered.kind = ir::ExprKind::Unary; break;
      case ast::ExprKind::Binary: lowered.kind = ir::ExprKind::Binary; break;
      case ast::ExprKind::Conditional: lowered.kind = ir::ExprKind::Conditional; break;
    }
    const bool bindsVariable = expr.kind == ast::ExprKind::Call && expr.receiverCall && isMacro(expr.name) &&
                               expr.operands.size() >= 3 && expr.operands[1]->kind == ast::ExprKind::Ident;
    // The variable is bound in the macro's body only: the range (operand 0) is read in the
    // enclosing scope, so `l.all(l, l > 0)` ranges over the field `l`, as CEL says.
    for (std::size_t i = 0; i < expr.operands.size(); ++i) {
      if (bindsVariable && i == 1) {
        variables_.push_back(expr.operands[1]->name);
        ir::Expr variable;
        variable.kind = ir::ExprKind::Variable;
        variable.name = expr.operands[1]->name;
        variable.span = irSpan(expr.operands[1]->span);
        lowered.operands.push_back(std::move(variable));
      } else {
        lowered.operands.push_back(lowerExpr(*expr.operands[i]));
      }
    }
    if (bindsVariable) variables_.pop_back();
    return lowered;
  }

 private:
  void lowerIdent(const ast::Expr& expr, ir::Expr& lowered) {
    const bool isVariable = std::find(variables_.begin(), variables_.end(), expr.name) != variables_.end();
    if (!isVariable) {
      if (auto field = symbols_.findContextField(expr.name)) {
        lowered.kind = ir::ExprKind::ContextField;
        lowered.type = sema::declaredType(symbols_.context[*field]->type);
        lowered.ref = *field;
        return;
      }
    }
    lowered.kind = ir::ExprKind::Variable;  // a macro variable (sema rejects `event` as a whole)
  }

  bool isEventRoot(const ast::Expr& expr) const {
    return expr.kind == ast::ExprKind::Ident && expr.name == "event" &&
           std::find(variables_.begin(), variables_.end(), "event") == variables_.end();
  }

  const ast::Machine& machine_;
  const SourceManager& sources_;
  sema::MachineSymbols symbols_;
  std::vector<ir::Event> events_;
  std::unordered_map<std::string, ir::EventIndex> eventIndices_;
  std::unordered_map<std::uint64_t, std::size_t> rowEventPositions_;  // (source, event) → its entry in the row
  std::map<std::string, std::uint32_t> hostActions_;
  std::vector<std::string> variables_;
  sema::ExprTypes types_;  // of every node of the roots typed so far
};

}  // namespace

ir::Expr lowerExpression(const ast::Expr& expr, const ast::Machine& machine, const SourceManager& sources) {
  Lowering lowering(machine, sources);
  lowering.typeRoot(expr, nullptr, false);
  return lowering.lowerExpr(expr);
}

ir::Expr lowerConstant(const ast::Expr& expr) {
  // A constant names nothing a machine declares, so an empty machine resolves it.
  const ast::Machine noDeclarations;
  const SourceManager noSources;
  return lowerExpression(expr, noDeclarations, noSources);
}

ir::Machine lowerMachine(const ast::Machine& machine, const SourceManager& sources) {
  return Lowering(machine, sources).run();
}

}  // namespace approval
