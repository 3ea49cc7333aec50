// The help of an operator given two numbers of different types (`rate + 1`), or `%` given
// doubles: what to write instead, since CEL converts no numbers implicitly.
#pragma once

#include <string>

#include "approval/ast.h"
#include "approval/types.h"

namespace approval::sema {

/// For `binary` (an arithmetic or comparison operator whose operands are the numeric types
/// `left` and `right`): a literal respelled in the other side's type (`write 1 as 1.0`) when
/// there is one, else a conversion of one side, named as written when it is a name.
[[nodiscard]] std::string numericMismatchHelp(const ast::Expr& binary, const Type& left, const Type& right);

}  // namespace approval::sema
