// The one table of functions a guard may call and built-in actions. The checker reads it
// for names, arities and typed overloads; both evaluators (the interpreter and the JIT,
// through the interpreter's function dispatch) call the implementations it names.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace approval {

struct Value;
class ApprovalState;

/// An approval stdlib function on evaluated, non-error arguments (`state` may be null: then
/// functions that need a running instance return an error value).
using FunctionImplementation = Value (*)(std::span<const Value> arguments, const ApprovalState* state);

struct FunctionSignature {
  std::string_view name;
  bool receiver;               // called as `x.name(...)` (arguments exclude the receiver)
  std::uint32_t minArguments;
  std::uint32_t maxArguments;
  std::string_view signature;  // for messages, e.g. "hasQuorum(n: int) -> bool"
  std::string_view summary;
  /// The approval stdlib (votes, hasQuorum, now, timeInState, hashBucket) is implemented in
  /// stdlib/approval_functions.cpp; null for CEL's standard functions (size, int, matches...),
  /// which the evaluators' core implements (compiler/eval/eval_functions.cpp).
  FunctionImplementation implementation = nullptr;
  /// Reads the running instance (its votes, its current event, its clock): meaningless in a
  /// default value, which is computed with no instance.
  bool needsInstance = false;
};

[[nodiscard]] std::span<const FunctionSignature> guardFunctions();

/// One typed overload of a guard function, matched by the type checker. Types are spelled
/// as in the DSL; single capital letters are type parameters (`size(list<T>) -> int`).
struct FunctionOverload {
  std::string_view name;
  std::string_view receiver;    // "" for a global call, else the receiver's type
  std::string_view parameters;  // parameter types separated by ';' ("string; int"), "" for none
  std::string_view result;
};

/// Every overload, grouped by name in the order of guardFunctions().
[[nodiscard]] std::span<const FunctionOverload> functionOverloads();
/// All overloads named `name` (global and receiver), empty if none.
[[nodiscard]] std::span<const FunctionSignature> findGuardFunction(std::string_view name);

/// The CEL macros (`list.all(x, p)` ...): receiver style, first argument binds a variable.
[[nodiscard]] bool isMacro(std::string_view name);

struct BuiltinAction {
  std::string_view name;
  std::uint32_t arguments;
  std::string_view signature;
};

[[nodiscard]] std::span<const BuiltinAction> builtinActions();
[[nodiscard]] const BuiltinAction* findBuiltinAction(std::string_view name);

}  // namespace approval
