// What operations inside a macro add to the visited count for reading their operands
// (approval/evaluate.h, kMaxMacroElements). A macro runs its body once per element, so an
// operand that stays the same (a long text, a large list from the context) would otherwise
// be read again for every element: `items.all(x, text.contains(x))` over a million items
// and a megabyte of text is 10^12 byte steps.
#include "eval/eval_internal.h"

namespace approval::eval {

namespace {

struct Size {
  std::uint64_t elements = 0;
  std::uint64_t bytes = 0;
};

void measure(const Value& value, Size& size) noexcept {
  // Past the bound any charge fails: the rest need not be read (and a huge value is not).
  if (size.elements > kMaxMacroElements) return;
  if (const auto* text = value.textIf()) {
    size.bytes += text->size();
  } else if (value.is<std::shared_ptr<const ValueList>>()) {
    size.elements += value.list().size();
    for (const auto& element : value.list()) measure(element, size);
  } else if (value.is<std::shared_ptr<const ValueMap>>()) {
    size.elements += value.map().size();
    for (const auto& [key, element] : value.map()) {
      measure(key, size);
      measure(element, size);
    }
  }
}

}  // namespace

std::uint64_t readCost(const Value& value) noexcept {
  Size size;
  measure(value, size);
  return size.elements + size.bytes / kBytesPerVisitedElement;
}

std::uint64_t textCost(const Value& value) noexcept { return value.is<std::string>() ? readCost(value) : 0; }

std::uint64_t listCost(const Value& value) noexcept {
  return value.is<std::shared_ptr<const ValueList>>() ? readCost(value) : 0;
}

std::uint64_t rangeCost(const Value& value) noexcept {
  return value.is<std::shared_ptr<const ValueMap>>() ? value.map().size() : 0;
}

std::uint64_t binaryCost(ast::BinaryOp op, const Value& left, const Value& right) noexcept {
  switch (op) {
    case ast::BinaryOp::Equal:
    case ast::BinaryOp::NotEqual:
    case ast::BinaryOp::Less:
    case ast::BinaryOp::LessEqual:
    case ast::BinaryOp::Greater:
    case ast::BinaryOp::GreaterEqual: return readCost(left) + readCost(right);
    case ast::BinaryOp::In: return readCost(left) + listCost(right);
    default: return 0;
  }
}

}  // namespace approval::eval
