// Human names for token kinds, used in syntax error messages.
#pragma once

#include <cstddef>
#include <string>

namespace antlr4::dfa { class Vocabulary; }

namespace approval::syntax {

/// "a name", "a string", "`{`", "`→`" ...
[[nodiscard]] std::string describeTokenType(std::size_t type, const antlr4::dfa::Vocabulary& vocabulary);
/// True for the DSL keywords the `name` rule accepts as names.
[[nodiscard]] bool isSoftKeyword(std::size_t type);

}  // namespace approval::syntax
