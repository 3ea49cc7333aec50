#include "sema/expression_checks.h"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "approval/stdlib.h"
#include "sema/constant_checks.h"
#include "sema/declaration_checks.h"

namespace approval::sema {

namespace {

const std::vector<std::string> kBuiltinEventFields = {"actor", "id", "time"};
const std::vector<std::string> kTimerEventFields = {"id", "time"};

class ExpressionChecker {
 public:
  ExpressionChecker(const ExpressionScope& scope, DiagnosticSink& sink) : scope_(scope), sink_(sink) {}

  void check(const ast::Expr& expr) {
    switch (expr.kind) {
      case ast::ExprKind::Ident: checkIdent(expr); return;
      case ast::ExprKind::Select: checkSelect(expr); return;
      case ast::ExprKind::Call: checkCall(expr); return;
      case ast::ExprKind::Index:
        if (isWholeEvent(*expr.operands[0])) {
          reportWholeEvent(*expr.operands[0], indexHint(*expr.operands[1], scope_.isTimer));
          check(*expr.operands[1]);
          return;
        }
        for (const auto& operand : expr.operands) check(*operand);
        return;
      case ast::ExprKind::Literal:
        if (std::holds_alternative<ast::Bytes>(expr.literal)) {
          sink_.report(DiagnosticCode::UnsupportedFeature, expr.span, "bytes literals are not supported")
              .help("use a string literal");
        }
        return;
      default:
        for (const auto& operand : expr.operands) check(*operand);
    }
  }

 private:
  bool isVariable(const std::string& name) const {
    return std::find(variables_.begin(), variables_.end(), name) != variables_.end();
  }

  bool isWholeEvent(const ast::Expr& expr) const {
    return expr.kind == ast::ExprKind::Ident && expr.name == "event" && !isVariable("event");
  }

  void checkIdent(const ast::Expr& expr) {
    if (isVariable(expr.name)) return;
    if (expr.name == "event") {
      reportWholeEvent(expr, "read one of its fields, e.g. `event.actor`; `votes` takes an event's name, "
                             "e.g. `votes(\"approve\")`");
      return;
    }
    if (scope_.symbols.findContextField(expr.name)) {
      if (scope_.isDefault) {
        reportInDefault(expr.nameSpan, fmt::format("a default cannot read the context field `{}`", expr.name),
                        "a default is computed before any field has a value: write a constant, give the value "
                        "when the instance starts, or assign it in a transition with `set(field, ...)`");
      }
      return;
    }
    sink_.report(DiagnosticCode::UnknownField, expr.nameSpan, fmt::format("unknown name `{}`", expr.name))
        .label("not a context field")
        .helpFrom([&] {
          return suggestion(sink_, expr.name, scope_.symbols.contextFieldNames(),
                            scope_.isEval ? fmt::format("give it a value: `--context '{{\"{}\": ...}}'`", expr.name)
                                          : fmt::format("declare it in `context {{ {}: TYPE }}`", expr.name));
        });
  }

  void checkSelect(const ast::Expr& expr) {
    const ast::Expr& target = *expr.operands[0];
    const bool isEventRoot = target.kind == ast::ExprKind::Ident && target.name == "event" && !isVariable("event");
    if (!isEventRoot) {
      check(target);
      return;
    }
    if (scope_.isDefault) {
      reportInDefault(expr.span, fmt::format("a default cannot read `event.{}`", expr.name),
                      "a default is computed with no event: write a constant, or assign the field in a "
                      "transition, e.g. `set(field, event." + expr.name + ")`");
      return;
    }
    // A timer fires with no actor and no payload.
    std::vector<std::string> fields = scope_.isTimer ? kTimerEventFields : kBuiltinEventFields;
    if (scope_.event != nullptr) {
      for (const auto& field : scope_.event->fields) {
        if (field.name.text == expr.name) return;
        fields.push_back(field.name.text);
      }
    }
    if (std::find(fields.begin(), fields.end(), expr.name) != fields.end()) return;
    auto diagnostic = sink_.report(DiagnosticCode::UnknownEventField, expr.nameSpan,
                                   fmt::format("event has no field `{}`", expr.name));
    diagnostic.label("unknown event field");
    if (scope_.isTimer) {
      diagnostic.help("a timer transition has only `event.id` and `event.time`");
    } else if (scope_.isEval) {
      diagnostic.help("eval has no event: `event` fields exist only in a machine's guards and actions; "
                      "try the expression with a context field instead (`--context`)");
    } else {
      diagnostic.helpFrom([&] { return suggestion(sink_, expr.name, fields,
                                 "declare payload fields in `events { \"name\" { field: TYPE } }`; "
                                 "every event has `actor`, `id` and `time`"); });
    }
  }

  void checkCall(const ast::Expr& expr) {
    const std::size_t argumentCount = expr.operands.size() - (expr.receiverCall ? 1 : 0);
    if (expr.receiverCall && isMacro(expr.name) && expr.name != "has") {
      checkMacro(expr, argumentCount);
      return;
    }
    if (!expr.receiverCall && expr.name == "has") {
      checkHas(expr, argumentCount);
      return;
    }
    for (const auto& operand : expr.operands) check(*operand);
    const auto overloads = findGuardFunction(expr.name);
    if (overloads.empty()) {
      std::vector<std::string> names;
      for (const auto& function : guardFunctions()) names.emplace_back(function.name);
      sink_.report(DiagnosticCode::UnknownFunction, expr.nameSpan, fmt::format("unknown function `{}`", expr.name))
          .label("not a guard function")
          .helpFrom([&] { return suggestion(sink_, expr.name, names, "see docs/LANGUAGE.md for the functions guards may call"); });
      return;
    }
    const FunctionSignature* sameStyle = nullptr;
    for (const auto& overload : overloads) {
      if (overload.receiver != expr.receiverCall) continue;
      sameStyle = &overload;
      if (argumentCount >= overload.minArguments && argumentCount <= overload.maxArguments) {
        checkWhereCalled(expr, overload);
        return;
      }
    }
    if (sameStyle == nullptr) {
      const auto& other = overloads.front();
      sink_.report(DiagnosticCode::UnknownFunction, expr.nameSpan,
                   expr.receiverCall ? fmt::format("`{}` is a function, not a method", expr.name)
                                     : fmt::format("`{}` is a method and needs a receiver", expr.name))
          .help(fmt::format("call it as `{}`", other.signature));
      return;
    }
    sink_.report(DiagnosticCode::WrongArgumentCount, expr.span,
                 fmt::format("`{}` takes {}, but {} {} given", expr.name, describeArity(*sameStyle), argumentCount,
                             argumentCount == 1 ? "was" : "were"))
        .help(fmt::format("the signature is `{}`", sameStyle->signature));
  }

  /// A call with the right arity: whether its place can answer it.
  void checkWhereCalled(const ast::Expr& expr, const FunctionSignature& function) {
    if (scope_.isDefault && function.needsInstance) {
      reportInDefault(expr.span, fmt::format("a default cannot call `{}()`", expr.name),
                      fmt::format("`{}()` reads the running instance, and a default is computed before there is "
                                  "one: write a constant, or assign the field in a transition",
                                  expr.name));
      return;
    }
    if (expr.name == "hasQuorum") checkQuorumCall(expr);
    // A default is computed whole by checkDefaultComputes, which reports this failure too.
    if (!scope_.isDefault) checkLiteralConversion(expr, sink_);
  }

  /// `hasQuorum()` counts the actors who sent the event being applied: a timer has none,
  /// and a count below 1 holds with no vote at all.
  void checkQuorumCall(const ast::Expr& expr) {
    if (scope_.isTimer) {
      sink_.report(DiagnosticCode::QuorumInTimer, expr.span,
                   "`hasQuorum()` counts the votes of the current event, and a timer has none")
          .label("never true here")
          .help("count the votes recorded in this state instead, e.g. `votes(\"approve\") >= 2`");
    }
    if (expr.operands.size() != 1) return;
    const ast::Expr& count = *expr.operands[0];
    const auto value = arithmeticConstant(count);
    if (value && value->is<std::int64_t>() && value->as<std::int64_t>() < 1) {
      sink_.report(DiagnosticCode::InvalidQuorum, count.span,
                   fmt::format("a quorum needs at least one vote, but this asks for {}", value->as<std::int64_t>()))
          .label("holds with no vote at all")
          .help("`hasQuorum(n)` is true when at least n distinct actors sent the event: use n >= 1");
    }
  }

  /// `event` is read field by field, so that each field is checked: as a whole value it has
  /// no static type, and `votes(event)` or `event["x"]` would fail only at run time.
  void reportWholeEvent(const ast::Expr& event, std::string help) {
    if (scope_.isDefault) {
      reportInDefault(event.span, "a default cannot read `event`",
                      "a default is computed with no event: write a constant");
      return;
    }
    sink_.report(DiagnosticCode::UnsupportedFeature, event.span, "`event` cannot be used as a whole value")
        .label("read a field instead")
        .help(std::move(help));
  }

  static bool isPlainName(const std::string& text) {
    const auto isNameByte = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; };
    return !text.empty() && std::isdigit(static_cast<unsigned char>(text.front())) == 0 &&
           std::all_of(text.begin(), text.end(), isNameByte);
  }

  static std::string indexHint(const ast::Expr& key, bool isTimer) {
    const auto* name = std::get_if<std::string>(&key.literal);
    const bool isTimerField = name != nullptr && std::find(kTimerEventFields.begin(), kTimerEventFields.end(), *name) !=
                                                     kTimerEventFields.end();
    if (isTimer && !isTimerField) return "a timer transition has only `event.id` and `event.time`";
    if (key.kind == ast::ExprKind::Literal && name != nullptr && isPlainName(*name)) {
      return fmt::format("write `event.{}`: fields are read by name, so that they are checked", *name);
    }
    return "read a field by name, e.g. `event.actor`; fields chosen at run time are not supported";
  }

  void reportInDefault(SourceSpan where, std::string message, std::string help) {
    sink_.report(DiagnosticCode::DefaultNotConstant, where, std::move(message))
        .label("not available to a default")
        .help(std::move(help));
  }

  /// `list.all(x, p)`, `exists`, `exists_one`, `filter`: two arguments; `map`: two or three.
  void checkMacro(const ast::Expr& expr, std::size_t argumentCount) {
    const std::size_t maxArguments = expr.name == "map" ? 3 : 2;
    check(*expr.operands[0]);
    if (argumentCount < 2 || argumentCount > maxArguments) {
      sink_.report(DiagnosticCode::WrongArgumentCount, expr.span,
                   fmt::format("macro `{}` takes {} arguments, but {} {} given", expr.name,
                               maxArguments == 2 ? "2" : "2 or 3", argumentCount, argumentCount == 1 ? "was" : "were"))
          .help(fmt::format("write `list.{}(x, predicate on x)`", expr.name));
      return;
    }
    const ast::Expr& variable = *expr.operands[1];
    if (variable.kind != ast::ExprKind::Ident) {
      sink_.report(DiagnosticCode::WrongArgumentCount, variable.span,
                   fmt::format("the first argument of `{}` must be a variable name", expr.name))
          .help(fmt::format("write `list.{}(x, predicate on x)`", expr.name));
      return;
    }
    variables_.push_back(variable.name);
    for (std::size_t i = 2; i < expr.operands.size(); ++i) check(*expr.operands[i]);
    variables_.pop_back();
  }

  /// `has(x.field)`: one argument that is a field selection.
  void checkHas(const ast::Expr& expr, std::size_t argumentCount) {
    if (argumentCount != 1 || expr.operands[0]->kind != ast::ExprKind::Select) {
      sink_.report(DiagnosticCode::WrongArgumentCount, expr.span, "`has` takes one field selection, like `has(m.key)`")
          .help("write `has(map.key)`, or `\"key\" in map`");
      return;
    }
    // `has(event.x)` names a field like `event.x` does, so it is checked the same way.
    check(*expr.operands[0]);
  }

  static std::string describeArity(const FunctionSignature& function) {
    if (function.minArguments == function.maxArguments) {
      return fmt::format("{} argument{}", function.minArguments, function.minArguments == 1 ? "" : "s");
    }
    if (function.minArguments == 0) {
      return fmt::format("at most {} argument{}", function.maxArguments, function.maxArguments == 1 ? "" : "s");
    }
    return fmt::format("{} to {} arguments", function.minArguments, function.maxArguments);
  }

  const ExpressionScope& scope_;
  DiagnosticSink& sink_;
  std::vector<std::string> variables_;
};

}  // namespace

void checkExpression(const ast::Expr& expr, const ExpressionScope& scope, DiagnosticSink& sink) {
  ExpressionChecker(scope, sink).check(expr);
}

}  // namespace approval::sema
