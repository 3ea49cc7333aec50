// The static types of guard expressions (CEL's, for the subset approvalc supports).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace approval {

enum class TypeKind {
  Error,      // the type of an expression that already has a diagnostic: accepted everywhere, silently
  Dyn,        // unknown until run time (`dyn(x)`, the elements of `[]`)
  Null,
  Bool,
  Int,
  Uint,
  Double,
  String,
  Bytes,
  Duration,
  Timestamp,
  List,       // parameters[0]: element
  Map,        // parameters[0]: key, parameters[1]: value
  Parameter,  // a type variable of a stdlib signature: `T` in `size(list<T>)`
};

struct Type {
  TypeKind kind = TypeKind::Dyn;
  std::vector<Type> parameters;
  std::string name;  // Parameter only

  static Type of(TypeKind kind) { return Type{kind, {}, {}}; }
  static Type list(Type element) { return Type{TypeKind::List, {std::move(element)}, {}}; }
  static Type map(Type key, Type value) { return Type{TypeKind::Map, {std::move(key), std::move(value)}, {}}; }
  static Type parameter(std::string name) { return Type{TypeKind::Parameter, {}, std::move(name)}; }

  [[nodiscard]] bool is(TypeKind other) const { return kind == other; }
  /// Error or Dyn: the checker cannot say anything about it statically.
  [[nodiscard]] bool isOpen() const { return kind == TypeKind::Error || kind == TypeKind::Dyn; }
  /// As written in the DSL: `int`, `list<string>`, `map<string, list<int>>`.
  [[nodiscard]] std::string spelling() const;
  bool operator==(const Type&) const = default;
};

/// Parses a type as spelled in the DSL and in stdlib signatures; single capital letters are
/// type parameters. Returns nothing for text that is not a type.
[[nodiscard]] std::optional<Type> parseType(std::string_view text);

/// True when a value of type `actual` may be used where `expected` is required: equal
/// types, or either side open (Error, Dyn), recursively.
[[nodiscard]] bool isAssignable(const Type& expected, const Type& actual);

}  // namespace approval
