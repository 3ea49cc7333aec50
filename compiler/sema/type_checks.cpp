#include "sema/type_checks.h"

#include <fmt/format.h>

#include <map>
#include <optional>

#include "approval/stdlib.h"
#include "sema/numeric_help.h"

namespace approval::sema {

namespace {

using K = TypeKind;

/// An overload written as a call: `hashBucket(string, int)`, `string.startsWith(string)`
/// (the table separates parameters with `;`, since types such as `map<K, V>` hold commas).
std::string overloadAsCall(const FunctionOverload& overload) {
  std::string parameters(overload.parameters);
  for (std::size_t at = parameters.find("; "); at != std::string::npos; at = parameters.find("; ", at)) {
    parameters.replace(at, 2, ", ");
  }
  return fmt::format("{}{}({})", overload.receiver.empty() ? "" : std::string(overload.receiver) + ".", overload.name,
                     parameters);
}

const Type kError = Type::of(K::Error);
const Type kDyn = Type::of(K::Dyn);
const Type kBool = Type::of(K::Bool);
const Type kInt = Type::of(K::Int);
const Type kString = Type::of(K::String);

bool isNumeric(const Type& type) { return type.is(K::Int) || type.is(K::Uint) || type.is(K::Double); }

/// Of two types that are assignable to each other, the more precise one.
Type morePrecise(const Type& a, const Type& b) {
  if (a.is(K::Error) || b.is(K::Error)) return kError;
  return a.is(K::Dyn) ? b : a;
}

/// Binds type parameters of a stdlib pattern against argument types.
class PatternMatcher {
 public:
  bool match(const Type& pattern, const Type& actual) {
    if (pattern.is(K::Parameter)) {
      auto [bound, inserted] = bindings_.emplace(pattern.name, actual);
      if (inserted) return true;
      if (!isAssignable(bound->second, actual)) return false;
      bound->second = morePrecise(bound->second, actual);
      return true;
    }
    if (actual.isOpen()) return true;
    if (pattern.is(K::Dyn)) return true;
    if (pattern.kind != actual.kind || pattern.parameters.size() != actual.parameters.size()) return false;
    for (std::size_t i = 0; i < pattern.parameters.size(); ++i) {
      if (!match(pattern.parameters[i], actual.parameters[i])) return false;
    }
    return true;
  }

  [[nodiscard]] Type substitute(const Type& pattern) const {
    if (pattern.is(K::Parameter)) {
      auto bound = bindings_.find(pattern.name);
      return bound == bindings_.end() ? kDyn : bound->second;
    }
    Type result = pattern;
    for (auto& parameter : result.parameters) parameter = substitute(parameter);
    return result;
  }

 private:
  std::map<std::string, Type> bindings_;
};

std::vector<Type> parseParameters(std::string_view text) {
  std::vector<Type> types;
  while (!text.empty()) {
    const auto end = text.find(';');
    types.push_back(parseType(text.substr(0, end)).value_or(kDyn));
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return types;
}

std::string spellList(const std::vector<Type>& types) {
  std::string text;
  for (std::size_t i = 0; i < types.size(); ++i) text += (i == 0 ? "`" : ", `") + types[i].spelling() + "`";
  return text.empty() ? "no arguments" : text;
}

class TypeChecker {
 public:
  TypeChecker(const ExpressionScope& scope, DiagnosticSink& sink, ExprTypes* types)
      : scope_(scope), sink_(sink), types_(types) {}

  Type infer(const ast::Expr& expr) {
    Type type = inferNode(expr);
    if (types_ != nullptr) (*types_)[&expr] = type;
    return type;
  }

 private:
  Type inferNode(const ast::Expr& expr) {
    switch (expr.kind) {
      case ast::ExprKind::Literal: return literalType(expr.literal);
      case ast::ExprKind::Ident: return identType(expr);
      case ast::ExprKind::Select: return selectType(expr);
      case ast::ExprKind::Index: return indexType(expr);
      case ast::ExprKind::List: return listType(expr);
      case ast::ExprKind::Map: return mapType(expr);
      case ast::ExprKind::Unary: return unaryType(expr);
      case ast::ExprKind::Binary: return binaryType(expr);
      case ast::ExprKind::Conditional: return conditionalType(expr);
      case ast::ExprKind::Call: return callType(expr);
    }
    return kError;
  }

  static Type literalType(const ast::LiteralValue& value) {
    struct Visitor {
      Type operator()(ast::NullValue) const { return Type::of(K::Null); }
      Type operator()(bool) const { return kBool; }
      Type operator()(std::int64_t) const { return kInt; }
      Type operator()(std::uint64_t) const { return Type::of(K::Uint); }
      Type operator()(double) const { return Type::of(K::Double); }
      Type operator()(const std::string&) const { return kString; }
      Type operator()(const ast::Bytes&) const { return kError; }  // reported as unsupported
      Type operator()(ast::Duration) const { return Type::of(K::Duration); }
    };
    return std::visit(Visitor{}, value);
  }

  Type identType(const ast::Expr& expr) {
    for (auto it = variables_.rbegin(); it != variables_.rend(); ++it) {
      if (it->first == expr.name) return it->second;
    }
    if (expr.name == "event") return kError;  // `event` as a whole value: reported by expression_checks
    if (auto field = scope_.symbols.findContextField(expr.name)) {
      return declaredType(scope_.symbols.context[*field]->type);
    }
    return kError;  // unknown name: reported by expression_checks
  }

  bool isEventRoot(const ast::Expr& expr) const {
    if (expr.kind != ast::ExprKind::Ident || expr.name != "event") return false;
    for (const auto& variable : variables_) {
      if (variable.first == "event") return false;
    }
    return true;
  }

  Type selectType(const ast::Expr& expr) {
    const ast::Expr& target = *expr.operands[0];
    if (isEventRoot(target)) {
      if (expr.name == "actor" || expr.name == "id") return kString;
      if (expr.name == "time") return Type::of(K::Timestamp);
      if (scope_.event != nullptr) {
        for (const auto& field : scope_.event->fields) {
          if (field.name.text == expr.name) return declaredType(field.type);
        }
      }
      return kError;  // unknown event field: reported by expression_checks
    }
    const Type targetType = infer(target);
    if (targetType.isOpen()) return targetType;
    if (hasFields(targetType)) return targetType.parameters[1];
    return mismatch(expr.nameSpan, fmt::format("`{}` has no fields, so `.{}` cannot be read", targetType.spelling(), expr.name),
                    kWhereFieldsAre);
  }

  static constexpr const char* kWhereFieldsAre = "fields can be read from maps with string keys (`m.key`) and from `event`";

  static bool hasFields(const Type& type) { return type.is(K::Map) && isAssignable(type.parameters[0], kString); }

  /// `has(x.f)` tests whether x has the field f: x must be a map with string keys (or
  /// `event`, whose fields expression_checks checks), else the test fails at run time.
  Type hasType(const ast::Expr& expr) {
    if (expr.operands.empty() || expr.operands[0]->kind != ast::ExprKind::Select) return kBool;  // reported elsewhere
    const ast::Expr& selection = *expr.operands[0];
    const ast::Expr& target = *selection.operands[0];
    if (isEventRoot(target)) return kBool;
    const Type targetType = infer(target);
    if (targetType.isOpen() || hasFields(targetType)) return kBool;
    return mismatch(selection.span,
                    fmt::format("`{}` has no fields, so `has()` cannot test `.{}`", targetType.spelling(), selection.name),
                    kWhereFieldsAre);
  }

  Type indexType(const ast::Expr& expr) {
    const Type container = infer(*expr.operands[0]);
    const Type index = infer(*expr.operands[1]);
    if (container.isOpen()) return container;
    if (container.is(K::List)) {
      if (index.isOpen() || index.is(K::Int) || index.is(K::Uint)) return container.parameters[0];
      return mismatch(expr.operands[1]->span, fmt::format("a list index must be an `int`, not `{}`", index.spelling()),
                      "index lists by position: `list[0]`");
    }
    if (container.is(K::Map)) {
      if (isAssignable(container.parameters[0], index)) return container.parameters[1];
      return mismatch(expr.operands[1]->span,
                      fmt::format("this map's keys are `{}`, not `{}`", container.parameters[0].spelling(), index.spelling()),
                      "index a map with a key of its key type");
    }
    return mismatch(expr.span, fmt::format("`{}` cannot be indexed", container.spelling()),
                    "only lists and maps can be indexed with `[...]`");
  }

  /// The one type all `types` share; reports and returns nothing when they differ.
  std::optional<Type> commonType(const std::vector<Type>& types, const std::vector<const ast::Expr*>& exprs,
                                 const char* what) {
    Type common = kDyn;
    for (std::size_t i = 0; i < types.size(); ++i) {
      if (!isAssignable(common, types[i])) {
        mismatch(exprs[i]->span,
                 fmt::format("{} must all have one type, but this is `{}` and an earlier one is `{}`", what,
                             types[i].spelling(), common.spelling()),
                 "convert them to one type, e.g. with `string(x)` or `double(x)`");
        return std::nullopt;
      }
      common = i == 0 ? types[i] : morePrecise(common, types[i]);
    }
    return common;
  }

  Type listType(const ast::Expr& expr) {
    std::vector<Type> types;
    std::vector<const ast::Expr*> exprs;
    for (const auto& element : expr.operands) {
      types.push_back(infer(*element));
      exprs.push_back(element.get());
    }
    const auto element = commonType(types, exprs, "list elements");
    return element ? Type::list(*element) : kError;
  }

  Type mapType(const ast::Expr& expr) {
    std::vector<Type> keys, values;
    std::vector<const ast::Expr*> keyExprs, valueExprs;
    for (std::size_t i = 0; i + 1 < expr.operands.size(); i += 2) {
      keys.push_back(infer(*expr.operands[i]));
      keyExprs.push_back(expr.operands[i].get());
      values.push_back(infer(*expr.operands[i + 1]));
      valueExprs.push_back(expr.operands[i + 1].get());
    }
    const auto key = commonType(keys, keyExprs, "map keys");
    const auto value = commonType(values, valueExprs, "map values");
    if (!key || !value) return kError;
    if (!key->isOpen() && !key->is(K::String) && !key->is(K::Int) && !key->is(K::Uint) && !key->is(K::Bool)) {
      return mismatch(keyExprs.front()->span, fmt::format("`{}` cannot be a map key", key->spelling()),
                      "map keys are strings, ints, uints or bools");
    }
    return Type::map(*key, *value);
  }

  Type unaryType(const ast::Expr& expr) {
    const Type operand = infer(*expr.operands[0]);
    if (operand.isOpen()) return expr.unaryOp == ast::UnaryOp::Not ? kBool : operand;
    if (expr.unaryOp == ast::UnaryOp::Not) {
      if (operand.is(K::Bool)) return kBool;
      return mismatch(expr.span, fmt::format("`!` needs a `bool`, not `{}`", operand.spelling()),
                      "compare the value to get a bool, e.g. `x == 0`");
    }
    if (operand.is(K::Int) || operand.is(K::Double)) return operand;
    return mismatch(expr.span, fmt::format("`-` needs an `int` or `double`, not `{}`", operand.spelling()),
                    operand.is(K::Uint) ? "uints cannot be negative: convert with `int(x)` first"
                                        : "negate numbers only");
  }

  Type binaryType(const ast::Expr& expr) {
    const Type left = infer(*expr.operands[0]);
    const Type right = infer(*expr.operands[1]);
    const auto op = expr.binaryOp;
    using Op = ast::BinaryOp;
    if (op == Op::And || op == Op::Or) {
      for (const auto* side : {&left, &right}) {
        if (!side->isOpen() && !side->is(K::Bool)) {
          const auto& operand = side == &left ? *expr.operands[0] : *expr.operands[1];
          mismatch(operand.span, fmt::format("`{}` needs `bool` operands, but this is `{}`", ast::spelling(op), side->spelling()),
                   "compare the value to get a bool, e.g. `x > 0`");
        }
      }
      return kBool;
    }
    if (left.is(K::Error) || right.is(K::Error)) return op >= Op::Less && op <= Op::In ? kBool : kError;
    switch (op) {
      case Op::Equal:
      case Op::NotEqual:
        if (isAssignable(left, right)) return kBool;
        return operatorMismatch(expr, left, right);
      case Op::Less:
      case Op::LessEqual:
      case Op::Greater:
      case Op::GreaterEqual:
        if (left.isOpen() || right.isOpen()) return kBool;
        if (isNumeric(left) && isNumeric(right)) return kBool;  // CEL compares across numeric types
        if (left == right && isOrderable(left)) return kBool;
        return operatorMismatch(expr, left, right);
      case Op::In:
        if (right.isOpen()) return kBool;
        if (right.is(K::List) && isAssignable(right.parameters[0], left)) return kBool;
        if (right.is(K::Map) && isAssignable(right.parameters[0], left)) return kBool;
        return operatorMismatch(expr, left, right);
      default:
        return arithmeticType(expr, left, right);
    }
  }

  static bool isOrderable(const Type& type) {
    switch (type.kind) {
      case K::Bool: case K::Int: case K::Uint: case K::Double: case K::String: case K::Bytes: case K::Duration:
      case K::Timestamp:
        return true;
      default:
        return false;
    }
  }

  Type arithmeticType(const ast::Expr& expr, const Type& left, const Type& right) {
    using Op = ast::BinaryOp;
    const auto op = expr.binaryOp;
    if (left.isOpen() || right.isOpen()) return kDyn;
    const bool sameNumeric = left == right && isNumeric(left);
    switch (op) {
      case Op::Add:
        if (sameNumeric || (left == right && (left.is(K::String) || left.is(K::Bytes) || left.is(K::Duration)))) return left;
        if (left.is(K::List) && right.is(K::List) && isAssignable(left, right)) return morePrecise(left, right);
        if (left.is(K::Timestamp) && right.is(K::Duration)) return left;
        if (left.is(K::Duration) && right.is(K::Timestamp)) return right;
        break;
      case Op::Subtract:
        if (sameNumeric || (left == right && left.is(K::Duration))) return left;
        if (left.is(K::Timestamp) && right.is(K::Timestamp)) return Type::of(K::Duration);
        if (left.is(K::Timestamp) && right.is(K::Duration)) return left;
        break;
      case Op::Multiply:
      case Op::Divide:
        if (sameNumeric) return left;
        break;
      case Op::Modulo:
        if (left == right && (left.is(K::Int) || left.is(K::Uint))) return left;
        break;
      default:
        break;
    }
    return operatorMismatch(expr, left, right);
  }

  Type operatorMismatch(const ast::Expr& expr, const Type& left, const Type& right) {
    const std::string op = ast::spelling(expr.binaryOp);
    std::string help;
    if (isNumeric(left) && isNumeric(right)) {
      help = numericMismatchHelp(expr, left, right);
    } else if (expr.binaryOp == ast::BinaryOp::In) {
      help = "`x in list` needs a list of x's type; `k in map` a map with keys of k's type";
    } else {
      help = fmt::format("both sides of `{}` must have types it accepts; see docs/LANGUAGE.md", op);
    }
    return mismatch(expr.span, fmt::format("`{}` cannot take `{}` and `{}`", op, left.spelling(), right.spelling()), help);
  }

  Type conditionalType(const ast::Expr& expr) {
    const Type condition = infer(*expr.operands[0]);
    if (!condition.isOpen() && !condition.is(K::Bool)) {
      mismatch(expr.operands[0]->span, fmt::format("the condition of `?:` must be `bool`, not `{}`", condition.spelling()),
               "compare the value to get a bool, e.g. `x > 0 ? a : b`");
    }
    const Type whenTrue = infer(*expr.operands[1]);
    const Type whenFalse = infer(*expr.operands[2]);
    if (isAssignable(whenTrue, whenFalse)) return morePrecise(whenTrue, whenFalse);
    return mismatch(expr.span,
                    fmt::format("the branches of `?:` have different types, `{}` and `{}`", whenTrue.spelling(),
                                whenFalse.spelling()),
                    "make both branches the same type");
  }

  Type callType(const ast::Expr& expr) {
    if (expr.receiverCall && isMacro(expr.name) && expr.name != "has") {
      const std::size_t maxOperands = expr.name == "map" ? 4 : 3;  // receiver, variable, 1 or 2 expressions
      const bool wellFormed = expr.operands.size() >= 3 && expr.operands.size() <= maxOperands &&
                              expr.operands[1]->kind == ast::ExprKind::Ident;
      return wellFormed ? macroType(expr) : kError;  // malformed: reported by expression_checks
    }
    if (!expr.receiverCall && expr.name == "has") return hasType(expr);
    std::vector<Type> arguments;
    for (const auto& operand : expr.operands) arguments.push_back(infer(*operand));
    for (const auto& argument : arguments) {
      if (argument.is(K::Error)) return kError;
    }
    std::optional<Type> receiver;
    if (expr.receiverCall) {
      receiver = arguments.front();
      arguments.erase(arguments.begin());
    }
    std::vector<std::string> candidates;
    std::optional<Type> result;
    bool arityMatches = false;
    for (const auto& overload : functionOverloads()) {
      if (overload.name != expr.name || overload.receiver.empty() == expr.receiverCall) continue;
      const auto parameters = parseParameters(overload.parameters);
      candidates.push_back(overloadAsCall(overload));
      if (parameters.size() != arguments.size()) continue;
      arityMatches = true;
      PatternMatcher matcher;
      bool matches = !receiver || matcher.match(parseType(overload.receiver).value_or(kDyn), *receiver);
      for (std::size_t i = 0; matches && i < parameters.size(); ++i) matches = matcher.match(parameters[i], arguments[i]);
      if (!matches) continue;
      const Type overloadResult = matcher.substitute(parseType(overload.result).value_or(kDyn));
      // With open arguments several overloads may match; they agree or the result is dyn.
      result = !result ? overloadResult : (*result == overloadResult ? *result : kDyn);
    }
    if (result) return *result;
    // Unknown function, wrong call style or wrong argument count: reported by expression_checks.
    if (candidates.empty() || !arityMatches) return kError;
    std::vector<Type> shown = arguments;
    if (receiver) shown.insert(shown.begin(), *receiver);
    std::string list;
    for (const auto& candidate : candidates) {
      if (candidate.find("bytes") != std::string::npos) continue;  // no guard has bytes to pass
      list += (list.empty() ? "`" : ", `") + candidate + "`";
    }
    return mismatch(expr.span,
                    fmt::format("no overload of `{}` takes {}{}", expr.name, receiver ? "a receiver and " : "",
                                spellList(shown)),
                    fmt::format("`{}` takes: {}", expr.name, list));
  }

  /// `list.all(x, p)`, `exists`, `exists_one`, `filter`, `map(x, t)`, `map(x, p, t)`; over a
  /// map the variable ranges over its keys.
  Type macroType(const ast::Expr& expr) {
    const Type range = infer(*expr.operands[0]);
    Type variable = kDyn;
    if (range.is(K::List) || range.is(K::Map)) {
      variable = range.parameters[0];
    } else if (range.is(K::Error)) {
      variable = kError;
    } else if (!range.is(K::Dyn)) {
      mismatch(expr.operands[0]->span, fmt::format("`{}` needs a list or a map, not `{}`", expr.name, range.spelling()),
               "macros range over lists (elements) and maps (keys)");
      variable = kError;
    }
    variables_.emplace_back(expr.operands[1]->name, variable);
    Type result = kBool;
    const bool isMap = expr.name == "map";
    for (std::size_t i = 2; i < expr.operands.size(); ++i) {
      const Type type = infer(*expr.operands[i]);
      const bool isTransform = isMap && i + 1 == expr.operands.size();
      if (isTransform) {
        result = Type::list(type);
      } else if (!type.isOpen() && !type.is(K::Bool)) {
        mismatch(expr.operands[i]->span,
                 fmt::format("the predicate of `{}` must be `bool`, not `{}`", expr.name, type.spelling()),
                 "write a condition on the variable, e.g. `x > 0`");
      }
    }
    variables_.pop_back();
    if (expr.name == "filter") return range.is(K::List) ? range : (range.is(K::Map) ? Type::list(variable) : kDyn);
    return result;
  }

  Type mismatch(SourceSpan where, std::string message, std::string help) {
    sink_.report(DiagnosticCode::TypeMismatch, where, std::move(message)).help(std::move(help));
    return kError;
  }

  const ExpressionScope& scope_;
  DiagnosticSink& sink_;
  ExprTypes* types_;
  std::vector<std::pair<std::string, Type>> variables_;
};

}  // namespace

Type declaredType(const ast::TypeRef& type) {
  std::string text = type.name.text;
  if (!type.arguments.empty()) {
    text += '<';
    for (std::size_t i = 0; i < type.arguments.size(); ++i) {
      text += (i == 0 ? "" : ", ") + declaredType(type.arguments[i]).spelling();
    }
    text += '>';
  }
  const auto parsed = parseType(text);
  if (!parsed || parsed->is(K::Parameter) || parsed->is(K::Bytes) || parsed->is(K::Null)) return kError;
  return *parsed;
}

Type checkTypes(const ast::Expr& expr, const ExpressionScope& scope, DiagnosticSink& sink, ExprTypes* types) {
  return TypeChecker(scope, sink, types).infer(expr);
}

void checkGuardType(const ast::Expr& guard, const ExpressionScope& scope, DiagnosticSink& sink) {
  const Type type = checkTypes(guard, scope, sink);
  if (type.isOpen() || type.is(K::Bool)) return;
  sink.report(DiagnosticCode::GuardNotBool, guard.span, fmt::format("a guard must be `bool`, but this is `{}`", type.spelling()))
      .label("not a condition")
      .help(type.is(K::Int) || type.is(K::Uint) || type.is(K::Double) ? "compare it, e.g. `if amount > 0`"
                                                                      : "write a condition, e.g. a comparison");
}

void checkAssignment(const std::string& field, const ast::TypeRef& fieldType, const ast::Expr& value,
                     const ExpressionScope& scope, DiagnosticSink& sink) {
  const Type expected = declaredType(fieldType);
  const Type actual = checkTypes(value, scope, sink);
  if (isAssignable(expected, actual)) return;
  sink.report(DiagnosticCode::AssignmentTypeMismatch, value.span,
              fmt::format("`{}` is `{}`, but this value is `{}`", field, expected.spelling(), actual.spelling()))
      .secondary(fieldType.span, "declared here")
      .help(isNumeric(expected) && isNumeric(actual)
                ? fmt::format("CEL converts no numbers implicitly: write `{}(...)`", expected.spelling())
                : fmt::format("give a value of type `{}`", expected.spelling()));
}

}  // namespace approval::sema
