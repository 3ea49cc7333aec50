#include "sema/expression_checks.h"

#include <fmt/format.h>

#include <algorithm>

#include "approval/stdlib.h"
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

  void checkIdent(const ast::Expr& expr) {
    if (isVariable(expr.name) || expr.name == "event") return;
    if (scope_.symbols.findContextField(expr.name)) return;
    sink_.report(DiagnosticCode::UnknownField, expr.nameSpan, fmt::format("unknown name `{}`", expr.name))
        .label("not a context field")
        .helpFrom([&] { return suggestion(expr.name, scope_.symbols.contextFieldNames(),
                         fmt::format("declare it in `context {{ {}: TYPE }}`", expr.name)); });
  }

  void checkSelect(const ast::Expr& expr) {
    const ast::Expr& target = *expr.operands[0];
    const bool isEventRoot = target.kind == ast::ExprKind::Ident && target.name == "event" && !isVariable("event");
    if (!isEventRoot) {
      check(target);
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
    } else {
      diagnostic.helpFrom([&] { return suggestion(expr.name, fields,
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
          .helpFrom([&] { return suggestion(expr.name, names, "see docs/LANGUAGE.md for the functions guards may call"); });
      return;
    }
    const FunctionSignature* sameStyle = nullptr;
    for (const auto& overload : overloads) {
      if (overload.receiver != expr.receiverCall) continue;
      sameStyle = &overload;
      if (argumentCount >= overload.minArguments && argumentCount <= overload.maxArguments) return;
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
