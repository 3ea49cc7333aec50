#include "approval/ast_dump.h"

#include <fmt/format.h>

#include <cmath>

namespace approval {

namespace {

std::string spanText(const SourceSpan& span) {
  return fmt::format("@{}:{}-{}:{}", span.line, span.column, span.endLine, span.endColumn);
}

std::string quote(const std::string& text) { return ast::quoteString(text); }

std::string typeText(const ast::TypeRef& type) {
  std::string text = type.name.text;
  if (type.arguments.empty()) return text;
  text += "<";
  for (std::size_t i = 0; i < type.arguments.size(); ++i) text += std::string(i ? ", " : "") + typeText(type.arguments[i]);
  return text + ">";
}

class Dumper {
 public:
  std::string run(const ast::File& file) {
    for (const auto& machine : file.machines) dumpMachine(machine);
    return std::move(out_);
  }

 private:
  void line(int depth, const std::string& text) {
    out_.append(static_cast<std::size_t>(depth) * 2, ' ');
    out_ += text;
    out_ += '\n';
  }

  void dumpFields(int depth, const std::vector<ast::FieldDecl>& fields) {
    for (const auto& field : fields) {
      line(depth, fmt::format("Field {}: {}{} {}", field.name.text, typeText(field.type),
                              field.defaultValue ? std::string(" = ") + dumpExpr(*field.defaultValue) : "", spanText(field.span)));
    }
  }

  void dumpCall(int depth, const char* label, const ast::Call& call) {
    std::string args;
    for (std::size_t i = 0; i < call.arguments.size(); ++i) args += std::string(i ? ", " : "") + dumpExpr(*call.arguments[i]);
    line(depth, fmt::format("{} {}({}) {}", label, call.name.text, args, spanText(call.span)));
  }

  void dumpMachine(const ast::Machine& machine) {
    line(0, fmt::format("Machine {} {}", quote(machine.name.value), spanText(machine.span)));
    if (machine.version) line(1, fmt::format("Version {}", *machine.version));
    if (!machine.context.empty()) {
      line(1, "Context");
      dumpFields(2, machine.context);
    }
    for (const auto& event : machine.events) {
      line(1, fmt::format("Event {} {}", quote(event.name.value), spanText(event.span)));
      dumpFields(2, event.fields);
    }
    if (machine.quorum) {
      const auto& quorum = *machine.quorum;
      const char* kinds[] = {"count", "percent", "all"};
      // `all of` has no number (shown as 0); a count or percentage without one was malformed.
      const bool malformed = !quorum.value && quorum.kind != ast::QuorumPolicy::Kind::All;
      const std::string value = malformed ? std::string("<invalid>") : std::to_string(quorum.value.value_or(0));
      line(1, fmt::format("Quorum {} {}{} {}", kinds[static_cast<int>(quorum.kind)], value,
                          quorum.field ? " of " + quorum.field->text : "", spanText(quorum.span)));
    }
    if (machine.initial) line(1, fmt::format("Initial {} {}", machine.initial->text, spanText(machine.initial->span)));
    auto dumpList = [&](const char* label, const std::optional<ast::StateList>& list) {
      if (!list) return;
      std::string names;
      for (std::size_t i = 0; i < list->states.size(); ++i) names += std::string(i ? ", " : "") + list->states[i].text;
      line(1, fmt::format("{} [{}] {}", label, names, spanText(list->span)));
    };
    dumpList("States", machine.states);
    dumpList("Final", machine.finals);
    for (const auto& transition : machine.transitions) dumpTransition(transition);
    for (const auto& route : machine.routes) {
      std::string targets;
      for (std::size_t i = 0; i < route.targets.size(); ++i) targets += std::string(i ? ", " : "") + quote(route.targets[i].value);
      line(1, fmt::format("Route {} -> [{}] {}", quote(route.event.value), targets, spanText(route.span)));
    }
  }

  void dumpTransition(const ast::Transition& transition) {
    std::string source;
    switch (transition.source.kind) {
      case ast::TransitionSource::Kind::Any: source = "*"; break;
      case ast::TransitionSource::Kind::State: source = transition.source.states.front().text; break;
      case ast::TransitionSource::Kind::List:
        source = "[";
        for (std::size_t i = 0; i < transition.source.states.size(); ++i) {
          source += std::string(i ? ", " : "") + transition.source.states[i].text;
        }
        source += "]";
        break;
    }
    std::string trigger = "after <invalid>";  // a malformed duration (E0109) has no length
    if (transition.trigger.kind == ast::Trigger::Kind::Event) {
      trigger = std::string("on ") + quote(transition.trigger.event.value);
    } else if (transition.trigger.delay) {
      trigger = fmt::format("after {}ms", transition.trigger.delay->milliseconds);
    }
    line(1, fmt::format("Transition {} -> {} {} {}", source, transition.target.text, trigger, spanText(transition.span)));
    if (transition.guard) line(2, std::string("Guard ") + dumpExpr(*transition.guard));
    for (const auto& action : transition.actions) {
      dumpCall(2, "Action", action.call);
      if (action.compensation) dumpCall(3, "Compensate", *action.compensation);
    }
  }

  std::string out_;
};

}  // namespace

std::string dumpExpr(const ast::Expr& expr) {
  auto operands = [&](std::size_t from) {
    std::string text;
    for (std::size_t i = from; i < expr.operands.size(); ++i) {
      text += ' ';
      text += dumpExpr(*expr.operands[i]);
    }
    return text;
  };
  switch (expr.kind) {
    case ast::ExprKind::Literal: return ast::formatLiteral(expr.literal);
    case ast::ExprKind::Ident: return (expr.leadingDot ? "." : "") + expr.name;
    case ast::ExprKind::Select: return fmt::format("(. {} {})", dumpExpr(*expr.operands[0]), expr.name);
    case ast::ExprKind::Call:
      return expr.receiverCall ? fmt::format("(call {}.{}{})", dumpExpr(*expr.operands[0]), expr.name, operands(1))
                               : fmt::format("(call {}{})", expr.name, operands(0));
    case ast::ExprKind::Index: return fmt::format("([] {})", operands(0).substr(1));
    case ast::ExprKind::List: return fmt::format("(list{})", operands(0));
    case ast::ExprKind::Map: return fmt::format("(map{})", operands(0));
    case ast::ExprKind::Unary: return fmt::format("({}{})", spelling(expr.unaryOp), operands(0));
    case ast::ExprKind::Binary: return fmt::format("({}{})", spelling(expr.binaryOp), operands(0));
    case ast::ExprKind::Conditional: return fmt::format("(?:{})", operands(0));
  }
  return "?";
}

std::string dumpAst(const ast::File& file) { return Dumper().run(file); }

}  // namespace approval
