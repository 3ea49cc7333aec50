#include "ir/ir_source.h"

#include <map>

namespace approval {

namespace {

ast::Name nameAt(std::string text, SourceSpan span) { return ast::Name{std::move(text), span}; }

class SourceWriter {
 public:
  SourceWriter(const ir::Machine& machine, FileId file) : machine_(machine), file_(file) {}

  ast::Machine run() {
    ast::Machine out;
    out.name = ast::StringLiteral{machine_.name, here()};
    out.span = here();
    out.version = machine_.version;
    for (const auto& field : machine_.context) out.context.push_back(fieldOf(field));
    for (const auto& event : machine_.events) {
      if (!event.declared) continue;  // an event only used is declared by its use
      ast::EventDecl declaration{ast::StringLiteral{event.name, here()}, {}, here()};
      for (const auto& field : event.payload) declaration.fields.push_back(fieldOf(field));
      out.events.push_back(std::move(declaration));
    }
    if (!machine_.quorum.isDefault) out.quorum = quorumOf(machine_.quorum);
    out.initial = nameAt(stateName(machine_.initial), here());
    out.states = ast::StateList{{}, here()};
    out.finals = ast::StateList{{}, here()};
    for (const auto& state : machine_.states) {
      out.states->states.push_back(nameAt(state.name, here()));
      if (state.isFinal) out.finals->states.push_back(nameAt(state.name, here()));
    }
    writeTransitions(out);
    for (const auto& route : machine_.routes) {
      ast::Route written{ast::StringLiteral{eventName(route.event), here()}, {}, here()};
      for (const auto& target : route.targets) written.targets.push_back(ast::StringLiteral{target, here()});
      out.routes.push_back(std::move(written));
    }
    return out;
  }

 private:
  SourceSpan here() const { return SourceSpan{file_, 0, 0, 0, 0}; }
  SourceSpan at(SourceSpan span) const {
    span.file = file_;
    return span;
  }

  std::string stateName(std::uint32_t index) const {
    return index < machine_.states.size() ? machine_.states[index].name : std::string();
  }
  std::string eventName(std::uint32_t index) const {
    return index < machine_.events.size() ? machine_.events[index].name : std::string();
  }

  ast::FieldDecl fieldOf(const ir::Field& field) const {
    ast::FieldDecl declaration;
    declaration.name = nameAt(field.name, here());
    // The reader refused a type it cannot read; `dyn` only stands in for the impossible.
    declaration.type = typeRefOf(parseType(field.type).value_or(Type::of(TypeKind::Dyn)), here());
    if (field.defaultValue) declaration.defaultValue = exprOf(*field.defaultValue);
    declaration.span = here();
    return declaration;
  }

  ast::QuorumPolicy quorumOf(const ir::Quorum& quorum) const {
    ast::QuorumPolicy policy;
    policy.span = here();
    switch (quorum.kind) {
      case ir::QuorumKind::Count: policy.kind = ast::QuorumPolicy::Kind::Count; break;
      case ir::QuorumKind::Percent: policy.kind = ast::QuorumPolicy::Kind::Percent; break;
      // Majority is only ever the default; given, it has no syntax and is written as `all`,
      // which compiles to something else and so is refused.
      case ir::QuorumKind::All: case ir::QuorumKind::Majority: policy.kind = ast::QuorumPolicy::Kind::All; break;
    }
    if (policy.kind != ast::QuorumPolicy::Kind::All) policy.value = quorum.value;
    if (quorum.field && *quorum.field < machine_.context.size()) {
      policy.field = nameAt(machine_.context[*quorum.field].name, here());
    }
    return policy;
  }

  /// One transition per declaration, with the sources of its expanded IR transitions.
  void writeTransitions(ast::Machine& out) const {
    std::map<std::uint32_t, std::size_t> byDeclaration;  // declaration → its transition in `out`
    for (const auto& transition : machine_.transitions) {
      auto [found, added] = byDeclaration.emplace(transition.declaration, out.transitions.size());
      if (added) out.transitions.push_back(transitionOf(transition));
      auto& source = out.transitions[found->second].source;
      source.states.push_back(nameAt(stateName(transition.source), at(transition.span)));
      source.kind = source.states.size() == 1 ? ast::TransitionSource::Kind::State : ast::TransitionSource::Kind::List;
    }
    // Declarations in their own order, as the compiler numbers them.
    std::vector<ast::Transition> ordered;
    for (const auto& [declaration, index] : byDeclaration) ordered.push_back(std::move(out.transitions[index]));
    out.transitions = std::move(ordered);
  }

  ast::Transition transitionOf(const ir::Transition& transition) const {
    ast::Transition written;
    written.span = at(transition.span);
    written.source.span = written.span;
    written.target = nameAt(stateName(transition.target), written.span);
    written.trigger.span = written.span;
    if (transition.event) {
      written.trigger.kind = ast::Trigger::Kind::Event;
      written.trigger.event = ast::StringLiteral{eventName(*transition.event), written.span};
    } else {
      written.trigger.kind = ast::Trigger::Kind::Timer;
      written.trigger.delay = ast::Duration{transition.delayMs.value_or(0)};
    }
    if (transition.guard) written.guard = exprOf(*transition.guard);
    for (const auto& action : transition.actions) {
      ast::Action writtenAction{callOf(action.call), std::nullopt, written.span};
      if (action.compensation) writtenAction.compensation = callOf(*action.compensation);
      written.actions.push_back(std::move(writtenAction));
    }
    return written;
  }

  ast::Call callOf(const ir::Call& call) const {
    ast::Call written{nameAt(call.name, here()), {}, here()};
    for (const auto& argument : call.arguments) written.arguments.push_back(exprOf(argument));
    return written;
  }

  ast::ExprPtr exprOf(const ir::Expr& expr) const {
    auto written = std::make_unique<ast::Expr>();
    written->span = at(expr.span);
    written->nameSpan = written->span;
    written->literal = expr.literal;
    written->name = expr.name;
    written->receiverCall = expr.receiverCall;
    written->unaryOp = expr.unaryOp;
    written->binaryOp = expr.binaryOp;
    for (const auto& operand : expr.operands) written->operands.push_back(exprOf(operand));
    switch (expr.kind) {
      case ir::ExprKind::Literal: written->kind = ast::ExprKind::Literal; break;
      case ir::ExprKind::ContextField:
        written->kind = ast::ExprKind::Ident;
        written->name = expr.ref < machine_.context.size() ? machine_.context[expr.ref].name : std::string();
        break;
      case ir::ExprKind::EventField: {
        written->kind = ast::ExprKind::Select;
        auto event = std::make_unique<ast::Expr>();
        event->kind = ast::ExprKind::Ident;
        event->name = "event";
        event->span = written->span;
        event->nameSpan = written->span;
        written->operands.push_back(std::move(event));
        break;
      }
      case ir::ExprKind::Select: written->kind = ast::ExprKind::Select; break;
      case ir::ExprKind::Call: written->kind = ast::ExprKind::Call; break;
      case ir::ExprKind::Index: written->kind = ast::ExprKind::Index; break;
      case ir::ExprKind::List: written->kind = ast::ExprKind::List; break;
      case ir::ExprKind::Map: written->kind = ast::ExprKind::Map; break;
      case ir::ExprKind::Unary: written->kind = ast::ExprKind::Unary; break;
      case ir::ExprKind::Binary: written->kind = ast::ExprKind::Binary; break;
      case ir::ExprKind::Conditional: written->kind = ast::ExprKind::Conditional; break;
      case ir::ExprKind::Variable: written->kind = ast::ExprKind::Ident; break;
    }
    return written;
  }

  const ir::Machine& machine_;
  FileId file_;
};

}  // namespace

ast::TypeRef typeRefOf(const Type& type, SourceSpan where) {
  ast::TypeRef ref;
  ref.span = where;
  switch (type.kind) {
    case TypeKind::List: ref.name.text = "list"; break;
    case TypeKind::Map: ref.name.text = "map"; break;
    default: ref.name.text = type.spelling(); break;
  }
  ref.name.span = where;
  for (const auto& parameter : type.parameters) ref.arguments.push_back(typeRefOf(parameter, where));
  return ref;
}

ast::Machine sourceOf(const ir::Machine& machine, FileId file) { return SourceWriter(machine, file).run(); }

}  // namespace approval
