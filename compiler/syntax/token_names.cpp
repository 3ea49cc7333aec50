#include "syntax/token_names.h"

#include <ApprovalLexer.h>
#include <fmt/format.h>

namespace approval::syntax {

using grammar::ApprovalLexer;

bool isSoftKeyword(std::size_t type) {
  return type >= ApprovalLexer::STATE && type <= ApprovalLexer::ALL && type != ApprovalLexer::IF;
}

std::string describeTokenType(std::size_t type, const antlr4::dfa::Vocabulary& vocabulary) {
  switch (type) {
    case antlr4::Token::EOF: return "end of file";
    case ApprovalLexer::IDENT: return "a name";
    case ApprovalLexer::STRING: return "a string";
    case ApprovalLexer::BYTES: return "a bytes literal";
    case ApprovalLexer::INT: return "an integer";
    case ApprovalLexer::UINT: return "a uint";
    case ApprovalLexer::DOUBLE: return "a double";
    case ApprovalLexer::DURATION: return "a duration such as `48h`";
    case ApprovalLexer::ARROW: return "`→` (or `->`)";
    default: break;
  }
  const std::string literal = vocabulary.getLiteralName(type);
  if (literal.size() >= 2 && literal.front() == '\'') {
    return fmt::format("`{}`", literal.substr(1, literal.size() - 2));
  }
  return vocabulary.getSymbolicName(type);
}

}  // namespace approval::syntax
