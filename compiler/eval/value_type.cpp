#include "approval/value_type.h"

namespace approval {

std::optional<std::string> typeMismatch(const Value& value, const Type& type) {
  auto kindIs = [&](bool ok) -> std::optional<std::string> {
    if (ok) return std::nullopt;
    return "expected " + type.spelling() + ", got " + std::string(valueKindName(value));
  };
  switch (type.kind) {
    case TypeKind::Bool: return kindIs(value.is<bool>());
    case TypeKind::Int: return kindIs(value.is<std::int64_t>());
    case TypeKind::Uint: return kindIs(value.is<std::uint64_t>());
    case TypeKind::Double: return kindIs(value.is<double>());
    case TypeKind::String: return kindIs(value.is<std::string>());
    case TypeKind::Duration: return kindIs(value.is<DurationValue>());
    case TypeKind::Timestamp: return kindIs(value.is<TimestampValue>());
    case TypeKind::List:
      if (!value.is<std::shared_ptr<const ValueList>>()) return kindIs(false);
      for (const auto& element : value.list()) {
        if (auto problem = typeMismatch(element, type.parameters.at(0))) return "in a list element: " + *problem;
      }
      return std::nullopt;
    case TypeKind::Map:
      if (!value.is<std::shared_ptr<const ValueMap>>()) return kindIs(false);
      for (const auto& [key, element] : value.map()) {
        if (auto problem = typeMismatch(key, type.parameters.at(0))) return "in a map key: " + *problem;
        if (auto problem = typeMismatch(element, type.parameters.at(1))) return "in a map value: " + *problem;
      }
      return std::nullopt;
    default: return std::nullopt;  // dyn accepts anything
  }
}

}  // namespace approval
