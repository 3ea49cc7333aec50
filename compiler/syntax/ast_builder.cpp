// Parse tree → AST. Each method handles the grammar rule quoted in its `///` comment.
#include "syntax/ast_builder.h"

#include <fmt/format.h>

#include "syntax/literal_decoding.h"
#include "syntax/token_span.h"

namespace approval::syntax {

using P = grammar::ApprovalParser;

namespace {

/// An expression under construction with the depth of its tree, so that a chain too long
/// to be handled by recursive passes is stopped here, before the tree exists.
struct Built {
  ast::ExprPtr expr;
  std::size_t depth = 1;
};

class AstBuilder {
 public:
  AstBuilder(FileId file, const InputLimits& limits, DiagnosticSink& sink)
      : file_(file), limits_(limits), sink_(sink) {}

  /// file : machine* EOF;
  ast::File buildFile(P::FileContext* context) {
    ast::File result{.file = file_, .machines = {}};
    for (auto* machine : context->machine()) result.machines.push_back(buildMachine(machine));
    result.complete = !incomplete_;
    return result;
  }

  /// exprEntry : expr EOF;
  ast::ExprPtr buildExpressionEntry(P::ExprEntryContext* context) { return buildExpr(context->expr()).expr; }

 private:
  SourceSpan span(antlr4::ParserRuleContext* context) const { return spanOf(context, file_); }
  SourceSpan span(antlr4::tree::TerminalNode* node) const { return spanOf(node->getSymbol(), file_); }
  SourceSpan span(antlr4::Token* token) const { return spanOf(token, file_); }

  /// machine : STATE MACHINE STRING LBRACE section* RBRACE;
  ast::Machine buildMachine(P::MachineContext* context) {
    ast::Machine machine;
    const std::size_t errorsBefore = sink_.errorCount();
    machine.span = span(context);
    machine.name = stringLiteral(context->STRING());
    for (auto* section : context->section()) buildSection(section, machine);
    machine.malformedLiterals = sink_.errorCount() != errorsBefore;
    return machine;
  }

  /// section : VERSION COLON INT | CONTEXT LBRACE fieldDecl* RBRACE | EVENTS ... | QUORUM ...
  ///         | INITIAL COLON name | STATES COLON stateList | FINAL COLON stateList
  ///         | TRANSITIONS LBRACE transition* RBRACE | ROUTES LBRACE route* RBRACE;
  /// Single-valued sections keep their first occurrence; the checker reports repeats.
  void buildSection(P::SectionContext* context, ast::Machine& machine) {
    antlr4::Token* keyword = context->getStart();
    machine.sections.push_back({keyword->getText(), span(keyword)});
    const bool first = std::count_if(machine.sections.begin(), machine.sections.end(),
                                     [&](const auto& mark) { return mark.keyword == keyword->getText(); }) == 1;
    if (auto* version = dynamic_cast<P::VersionSectionContext*>(context)) {
      auto value = intLiteral(version->INT(), false);
      if (first && value) machine.version = *value;
    } else if (auto* fields = dynamic_cast<P::ContextSectionContext*>(context)) {
      if (first) for (auto* field : fields->fieldDecl()) machine.context.push_back(buildFieldDecl(field));
    } else if (auto* events = dynamic_cast<P::EventsSectionContext*>(context)) {
      if (first) for (auto* event : events->eventDecl()) machine.events.push_back(buildEventDecl(event));
    } else if (auto* quorum = dynamic_cast<P::QuorumSectionContext*>(context)) {
      if (first) machine.quorum = buildQuorumPolicy(quorum->quorumPolicy());
    } else if (auto* initial = dynamic_cast<P::InitialSectionContext*>(context)) {
      if (first) machine.initial = buildDeclaredName(initial->declaredName());
    } else if (auto* states = dynamic_cast<P::StatesSectionContext*>(context)) {
      if (first) machine.states = buildStateList(states->stateList());
    } else if (auto* finals = dynamic_cast<P::FinalSectionContext*>(context)) {
      if (first) machine.finals = buildStateList(finals->stateList());
    } else if (auto* transitions = dynamic_cast<P::TransitionsSectionContext*>(context)) {
      for (auto* transition : transitions->transition()) machine.transitions.push_back(buildTransition(transition));
    } else if (auto* routes = dynamic_cast<P::RoutesSectionContext*>(context)) {
      for (auto* route : routes->route()) machine.routes.push_back(buildRoute(route));
    }
  }

  /// fieldDecl : name COLON typeRef (ASSIGN expr)? COMMA?;
  ast::FieldDecl buildFieldDecl(P::FieldDeclContext* context) {
    ast::FieldDecl field;
    field.name = buildDeclaredName(context->declaredName());
    field.type = buildTypeRef(context->typeRef());
    if (context->expr() != nullptr) field.defaultValue = buildExpr(context->expr()).expr;
    field.span = span(context);
    return field;
  }

  /// typeRef : name (LT typeRef (COMMA typeRef)* GT)?;
  ast::TypeRef buildTypeRef(P::TypeRefContext* context) {
    ast::TypeRef type;
    type.name = buildName(context->name());
    for (auto* argument : context->typeRef()) type.arguments.push_back(buildTypeRef(argument));
    type.span = span(context);
    return type;
  }

  /// eventDecl : STRING (LBRACE fieldDecl* RBRACE)? COMMA?;
  ast::EventDecl buildEventDecl(P::EventDeclContext* context) {
    ast::EventDecl event;
    event.name = stringLiteral(context->STRING());
    for (auto* field : context->fieldDecl()) event.fields.push_back(buildFieldDecl(field));
    event.span = span(context);
    return event;
  }

  /// quorumPolicy : INT PERCENT OF name | ALL OF name | INT;
  ast::QuorumPolicy buildQuorumPolicy(P::QuorumPolicyContext* context) {
    ast::QuorumPolicy policy;
    policy.span = span(context);
    if (auto* percent = dynamic_cast<P::PercentQuorumContext*>(context)) {
      policy.kind = ast::QuorumPolicy::Kind::Percent;
      policy.value = intLiteral(percent->INT(), false);
      policy.field = buildName(percent->name());
    } else if (auto* all = dynamic_cast<P::AllQuorumContext*>(context)) {
      policy.kind = ast::QuorumPolicy::Kind::All;
      policy.field = buildName(all->name());
    } else if (auto* count = dynamic_cast<P::CountQuorumContext*>(context)) {
      policy.kind = ast::QuorumPolicy::Kind::Count;
      policy.value = intLiteral(count->INT(), false);
    }
    return policy;
  }

  /// stateList : LBRACKET (name (COMMA name)* COMMA?)? RBRACKET;
  ast::StateList buildStateList(P::StateListContext* context) {
    ast::StateList list;
    for (auto* name : context->declaredName()) list.states.push_back(buildDeclaredName(name));
    list.span = span(context);
    return list;
  }

  /// transition : source ARROW target=name trigger (IF expr)? (ARROW action (COMMA action)*)?;
  ast::Transition buildTransition(P::TransitionContext* context) {
    ast::Transition transition;
    transition.source = buildSource(context->source());
    transition.target = buildName(context->target);
    transition.trigger = buildTrigger(context->trigger());
    if (context->expr() != nullptr) transition.guard = buildExpr(context->expr()).expr;
    for (auto* action : context->action()) transition.actions.push_back(buildAction(action));
    transition.span = span(context);
    return transition;
  }

  /// source : name | stateList | STAR;
  ast::TransitionSource buildSource(P::SourceContext* context) {
    ast::TransitionSource source;
    source.span = span(context);
    if (auto* named = dynamic_cast<P::NamedSourceContext*>(context)) {
      source.kind = ast::TransitionSource::Kind::State;
      source.states.push_back(buildName(named->name()));
    } else if (auto* list = dynamic_cast<P::ListSourceContext*>(context)) {
      source.kind = ast::TransitionSource::Kind::List;
      source.states = buildStateList(list->stateList()).states;
    } else {
      source.kind = ast::TransitionSource::Kind::Any;
    }
    return source;
  }

  /// trigger : ON STRING | AFTER DURATION;
  ast::Trigger buildTrigger(P::TriggerContext* context) {
    ast::Trigger trigger;
    trigger.span = span(context);
    if (auto* event = dynamic_cast<P::EventTriggerContext*>(context)) {
      trigger.kind = ast::Trigger::Kind::Event;
      trigger.event = stringLiteral(event->STRING());
    } else if (auto* timer = dynamic_cast<P::TimerTriggerContext*>(context)) {
      trigger.kind = ast::Trigger::Kind::Timer;
      if (auto milliseconds = durationLiteral(timer->DURATION())) trigger.delay = ast::Duration{*milliseconds};
    }
    return trigger;
  }

  /// action : call (COMPENSATE compensation=call)?;
  ast::Action buildAction(P::ActionContext* context) {
    ast::Action action;
    action.call = buildCall(context->call(0));
    if (context->compensation != nullptr) action.compensation = buildCall(context->compensation);
    action.span = span(context);
    return action;
  }

  /// call : name LPAREN exprList? RPAREN;
  ast::Call buildCall(P::CallContext* context) {
    ast::Call call;
    call.name = buildName(context->name());
    if (context->exprList() != nullptr) call.arguments = buildExprList(context->exprList());
    call.span = span(context);
    return call;
  }

  /// route : STRING ARROW STRING (COMMA STRING)*;
  /// The seed writes several targets in one string ("a, b"); both forms give a target list.
  ast::Route buildRoute(P::RouteContext* context) {
    ast::Route route;
    const auto strings = context->STRING();
    route.event = stringLiteral(strings.front());
    for (std::size_t i = 1; i < strings.size(); ++i) {
      const ast::StringLiteral literal = stringLiteral(strings[i]);
      const std::string written = strings[i]->getSymbol()->getText();
      std::size_t start = 0;
      while (start <= literal.value.size()) {
        std::size_t comma = literal.value.find(',', start);
        if (comma == std::string::npos) comma = literal.value.size();
        const std::string piece = literal.value.substr(start, comma - start);
        std::string target = trim(piece);
        const std::size_t offset = start + piece.find_first_not_of(" \t");
        const SourceSpan where = target.empty() ? literal.span : targetSpan(literal, written, offset, target);
        route.targets.push_back({std::move(target), where});
        start = comma + 1;
      }
    }
    route.span = span(context);
    return route;
  }

  /// The span of one target inside `"a, b"`, so that a diagnostic about `b` underlines `b`.
  /// Only when the literal is written as its value between single quote marks (no escapes,
  /// prefix or line break): otherwise the whole literal.
  static SourceSpan targetSpan(const ast::StringLiteral& literal, const std::string& written, std::size_t offset,
                               const std::string& target) {
    const bool plain = written.size() == literal.value.size() + 2 && written.compare(1, literal.value.size(), literal.value) == 0;
    if (!plain || literal.span.line != literal.span.endLine) return literal.span;
    SourceSpan span = literal.span;
    span.column += 1 + codePointCount(std::string_view(literal.value).substr(0, offset));
    span.endColumn = span.column + codePointCount(target);
    return span;
  }

  // ---- Expressions ----

  /// expr : conditionalOr (QUESTION conditionalOr COLON conditionalOr)*;
  /// `a ? b : c ? d : e` is right-associative: a ? b : (c ? d : e).
  Built buildExpr(P::ExprContext* context) {
    auto parts = context->conditionalOr();
    Built result = buildConditionalOr(parts.back());
    for (std::size_t i = parts.size() - 1; i >= 2; i -= 2) {
      Built condition = buildConditionalOr(parts[i - 2]);
      Built whenTrue = buildConditionalOr(parts[i - 1]);
      if (!result.expr || !condition.expr || !whenTrue.expr) return Built{};
      const SourceSpan whole = condition.expr->span.to(result.expr->span);
      result = combine(ast::ExprKind::Conditional, whole, std::move(condition), std::move(whenTrue), std::move(result));
    }
    return result;
  }

  /// conditionalOr : conditionalAnd (LOR conditionalAnd)*;
  Built buildConditionalOr(P::ConditionalOrContext* context) {
    return leftChain(context->conditionalAnd(), [&](auto* part) { return buildConditionalAnd(part); },
                     [](std::size_t) { return ast::BinaryOp::Or; });
  }

  /// conditionalAnd : relation (LAND relation)*;
  Built buildConditionalAnd(P::ConditionalAndContext* context) {
    return leftChain(context->relation(), [&](auto* part) { return buildRelation(part); },
                     [](std::size_t) { return ast::BinaryOp::And; });
  }

  /// relation : addition (relop addition)*;
  /// relop : LT | LE | GE | GT | EQ | NE | IN;
  Built buildRelation(P::RelationContext* context) {
    auto ops = context->relop();
    return leftChain(context->addition(), [&](auto* part) { return buildAddition(part); },
                     [&](std::size_t i) { return relationalOp(ops[i]->getStart()->getType()); });
  }

  /// addition : multiplication (op+=(PLUS | MINUS) multiplication)*;
  Built buildAddition(P::AdditionContext* context) {
    auto& ops = context->op;
    return leftChain(context->multiplication(), [&](auto* part) { return buildMultiplication(part); },
                     [&](std::size_t i) {
                       return ops[i]->getType() == P::PLUS ? ast::BinaryOp::Add : ast::BinaryOp::Subtract;
                     });
  }

  /// multiplication : unary (op+=(STAR | SLASH | PERCENT) unary)*;
  Built buildMultiplication(P::MultiplicationContext* context) {
    auto& ops = context->op;
    return leftChain(context->unary(), [&](auto* part) { return buildUnary(part); }, [&](std::size_t i) {
      switch (ops[i]->getType()) {
        case P::STAR: return ast::BinaryOp::Multiply;
        case P::SLASH: return ast::BinaryOp::Divide;
        default: return ast::BinaryOp::Modulo;
      }
    });
  }

  /// unary : member | BANG+ member | MINUS+ member;
  /// `-9223372036854775808` is folded into one literal, as CEL parsers do, since the
  /// positive magnitude does not fit an int.
  Built buildUnary(P::UnaryContext* context) {
    if (auto* plain = dynamic_cast<P::PlainUnaryContext*>(context)) return buildMember(plain->member());
    std::vector<antlr4::tree::TerminalNode*> operators;
    P::MemberContext* operand = nullptr;
    ast::UnaryOp op = ast::UnaryOp::Not;
    if (auto* notUnary = dynamic_cast<P::NotUnaryContext*>(context)) {
      operators = notUnary->BANG();
      operand = notUnary->member();
    } else {
      auto* negate = dynamic_cast<P::NegateUnaryContext*>(context);
      operators = negate->MINUS();
      operand = negate->member();
      op = ast::UnaryOp::Negate;
    }
    Built result;
    std::size_t remaining = operators.size();
    if (op == ast::UnaryOp::Negate && isNumericLiteralMember(operand)) {
      result = negatedLiteral(operand);
      --remaining;
    } else {
      result = buildMember(operand);
    }
    while (remaining > 0 && result.expr) {
      --remaining;
      const SourceSpan whole = span(operators[remaining]).to(result.expr->span);
      result = combine(ast::ExprKind::Unary, whole, std::move(result));
      if (result.expr) result.expr->unaryOp = op;
    }
    return result;
  }

  /// member : primary memberSuffix*;
  /// memberSuffix : DOT name (LPAREN exprList? RPAREN)? | LBRACKET expr RBRACKET;
  Built buildMember(P::MemberContext* context) {
    Built result = buildPrimary(context->primary());
    for (auto* suffix : context->memberSuffix()) {
      if (!result.expr) return result;
      const SourceSpan whole = result.expr->span.to(span(suffix));
      if (auto* select = dynamic_cast<P::SelectOrCallContext*>(suffix)) {
        const ast::Name name = buildName(select->name());
        if (select->open != nullptr) {
          std::vector<Built> operands;
          operands.push_back(std::move(result));
          if (select->exprList() != nullptr) {
            for (auto* argument : select->exprList()->expr()) operands.push_back(buildExpr(argument));
          }
          result = combine(ast::ExprKind::Call, whole, std::move(operands));
          if (result.expr) result.expr->receiverCall = true;
        } else {
          result = combine(ast::ExprKind::Select, whole, std::move(result));
        }
        if (result.expr) {
          result.expr->name = name.text;
          result.expr->nameSpan = name.span;
        }
      } else if (auto* index = dynamic_cast<P::IndexSuffixContext*>(suffix)) {
        result = combine(ast::ExprKind::Index, whole, std::move(result), buildExpr(index->expr()));
      }
      if (!result.expr) return result;
    }
    return result;
  }

  /// primary : DOT? name (LPAREN exprList? RPAREN)? | LPAREN expr RPAREN
  ///         | LBRACKET exprList? COMMA? RBRACKET | LBRACE mapInits? COMMA? RBRACE | literal;
  Built buildPrimary(P::PrimaryContext* context) {
    const SourceSpan whole = span(context);
    if (auto* ident = dynamic_cast<P::IdentOrCallContext*>(context)) {
      const ast::Name name = buildName(ident->name());
      Built result;
      if (ident->open != nullptr) {
        std::vector<Built> arguments;
        if (ident->exprList() != nullptr) {
          for (auto* argument : ident->exprList()->expr()) arguments.push_back(buildExpr(argument));
        }
        result = combine(ast::ExprKind::Call, whole, std::move(arguments));
      } else {
        result = leaf(ast::ExprKind::Ident, whole);
      }
      if (result.expr) {
        result.expr->name = name.text;
        result.expr->nameSpan = name.span;
        result.expr->leadingDot = ident->leadingDot != nullptr;
      }
      return result;
    }
    if (auto* parenthesized = dynamic_cast<P::ParenthesizedContext*>(context)) {
      return buildExpr(parenthesized->expr());
    }
    if (auto* list = dynamic_cast<P::ListLiteralContext*>(context)) {
      std::vector<Built> elements;
      if (list->exprList() != nullptr) {
        for (auto* element : list->exprList()->expr()) elements.push_back(buildExpr(element));
      }
      return combine(ast::ExprKind::List, whole, std::move(elements));
    }
    if (auto* map = dynamic_cast<P::MapLiteralContext*>(context)) {
      std::vector<Built> entries;
      if (map->mapInits() != nullptr) {
        for (auto* part : map->mapInits()->expr()) entries.push_back(buildExpr(part));
      }
      return combine(ast::ExprKind::Map, whole, std::move(entries));
    }
    auto* literal = dynamic_cast<P::LiteralPrimaryContext*>(context);
    return buildLiteral(literal->literal(), false);
  }

  /// literal : INT | UINT | DOUBLE | STRING | BYTES | DURATION | TRUE | FALSE | NULL;
  Built buildLiteral(P::LiteralContext* context, bool negated) {
    Built result = leaf(ast::ExprKind::Literal, span(context));
    const std::size_t errorsBefore = sink_.errorCount();
    antlr4::Token* token = context->getStart();
    const std::string text = token->getText();
    auto& value = result.expr->literal;
    switch (token->getType()) {
      case P::INT: value = intLiteral(token, negated).value_or(0); break;
      case P::UINT: value = reportIfError(decodeUint(text), token).value_or(0); break;
      case P::DOUBLE: {
        const double magnitude = reportIfError(decodeDouble(text), token).value_or(0.0);
        value = negated ? -magnitude : magnitude;
        break;
      }
      case P::STRING: value = decodeStringOrRaw(token); break;
      case P::BYTES: value = ast::Bytes{reportIfError(decodeString(text, true), token).value_or(std::string())}; break;
      case P::DURATION: {
        const std::int64_t ms = durationLiteral(token).value_or(0);
        value = ast::Duration{negated ? -ms : ms};
        break;
      }
      case P::TRUE_LIT: value = true; break;
      case P::FALSE_LIT: value = false; break;
      default: value = ast::NullValue{}; break;
    }
    // No check judges the placeholder: it would report a value the source does not hold.
    result.expr->malformed = sink_.errorCount() != errorsBefore;
    return result;
  }

  std::vector<ast::ExprPtr> buildExprList(P::ExprListContext* context) {
    std::vector<ast::ExprPtr> list;
    for (auto* expr : context->expr()) {
      Built built = buildExpr(expr);
      if (built.expr) list.push_back(std::move(built.expr));
    }
    return list;
  }

  /// declaredName : name | reserved=(IF | IN | TRUE_LIT | FALSE_LIT | NULL_LIT);
  ast::Name buildDeclaredName(P::DeclaredNameContext* context) {
    if (context->reserved != nullptr) {
      const std::string word = context->reserved->getText();
      sink_.report(DiagnosticCode::SyntaxError, span(context->reserved), fmt::format("`{}` is a reserved word", word))
          .label("cannot be used as a name")
          .help(word == "if" ? "`if` starts a guard; choose another name"
                             : fmt::format("`{}` is reserved by CEL; choose another name", word));
      incomplete_ = true;
      return ast::Name{word, span(context->reserved)};
    }
    return buildName(context->name());
  }

  /// name : IDENT | STATE | MACHINE | ... (soft keywords);
  ast::Name buildName(P::NameContext* context) {
    return ast::Name{context->getStart()->getText(), span(context)};
  }

  // ---- Helpers ----

  static bool isNumericLiteralMember(P::MemberContext* member) {
    if (!member->memberSuffix().empty()) return false;
    auto* literal = dynamic_cast<P::LiteralPrimaryContext*>(member->primary());
    if (literal == nullptr) return false;
    const auto type = literal->literal()->getStart()->getType();
    return type == P::INT || type == P::DOUBLE || type == P::DURATION;
  }

  Built negatedLiteral(P::MemberContext* member) {
    auto* literal = dynamic_cast<P::LiteralPrimaryContext*>(member->primary());
    return buildLiteral(literal->literal(), true);
  }

  /// Folds `a op b op c` left-associatively into ((a op b) op c) without recursion.
  template <typename Part, typename BuildPart, typename OpAt>
  Built leftChain(const std::vector<Part*>& parts, BuildPart buildPart, OpAt opAt) {
    Built result = buildPart(parts.front());
    for (std::size_t i = 1; i < parts.size() && result.expr; ++i) {
      Built right = buildPart(parts[i]);
      if (!right.expr) return right;
      const SourceSpan whole = result.expr->span.to(right.expr->span);
      result = combine(ast::ExprKind::Binary, whole, std::move(result), std::move(right));
      if (result.expr) result.expr->binaryOp = opAt(i - 1);
    }
    return result;
  }

  Built leaf(ast::ExprKind kind, SourceSpan where) {
    auto expr = std::make_unique<ast::Expr>();
    expr->kind = kind;
    expr->span = where;
    return Built{std::move(expr), 1};
  }

  /// A node over `operands`; empty (null expr) once the depth limit is passed, reported once.
  template <typename... Operands>
  Built combine(ast::ExprKind kind, SourceSpan where, Built first, Operands&&... rest) {
    std::vector<Built> operands;
    operands.push_back(std::move(first));
    (operands.push_back(std::forward<Operands>(rest)), ...);
    return combine(kind, where, std::move(operands));
  }

  Built combine(ast::ExprKind kind, SourceSpan where, std::vector<Built> operands) {
    std::size_t depth = 1;
    for (auto& operand : operands) {
      if (!operand.expr) return Built{};
      depth = std::max(depth, operand.depth + 1);
    }
    if (depth > limits_.maxNestingDepth) {
      incomplete_ = true;
      if (!depthReported_) {
        depthReported_ = true;
        sink_.report(DiagnosticCode::NestingTooDeep, where,
                     fmt::format("expression is nested deeper than the limit of {} levels", limits_.maxNestingDepth))
            .help("split the expression, or name parts of it as context fields");
      }
      return Built{};
    }
    Built result = leaf(kind, where);
    result.depth = depth;
    for (auto& operand : operands) result.expr->operands.push_back(std::move(operand.expr));
    return result;
  }

  static ast::BinaryOp relationalOp(std::size_t type) {
    switch (type) {
      case P::LT: return ast::BinaryOp::Less;
      case P::LE: return ast::BinaryOp::LessEqual;
      case P::GT: return ast::BinaryOp::Greater;
      case P::GE: return ast::BinaryOp::GreaterEqual;
      case P::EQ: return ast::BinaryOp::Equal;
      case P::NE: return ast::BinaryOp::NotEqual;
      default: return ast::BinaryOp::In;
    }
  }

  template <typename T>
  std::optional<T> reportIfError(Decoded<T> decoded, antlr4::Token* token) {
    if (auto* error = std::get_if<LiteralError>(&decoded)) {
      const SourceSpan at = error->end > error->begin ? spanWithin(token, file_, error->begin, error->end) : span(token);
      auto diagnostic = sink_.report(DiagnosticCode::InvalidLiteral, at, error->message);
      if (!error->help.empty()) diagnostic.help(error->help);
      return std::nullopt;
    }
    return std::get<T>(std::move(decoded));
  }

  /// A section's number (`version:`, `quorum:`): an int, never a uint, so the help that
  /// guards get for a large literal (`write ...u`) would lead to a syntax error here.
  std::optional<std::int64_t> intLiteral(antlr4::tree::TerminalNode* node, bool negated) {
    auto decoded = decodeInt(node->getText(), negated);
    if (auto* error = std::get_if<LiteralError>(&decoded)) {
      error->help = "a section's number is an int: at most 9223372036854775807";
    }
    return reportIfError(std::move(decoded), node->getSymbol());
  }
  std::optional<std::int64_t> intLiteral(antlr4::Token* token, bool negated) {
    return reportIfError(decodeInt(token->getText(), negated), token);
  }
  std::optional<std::int64_t> durationLiteral(antlr4::tree::TerminalNode* node) {
    return durationLiteral(node->getSymbol());
  }
  std::optional<std::int64_t> durationLiteral(antlr4::Token* token) {
    return reportIfError(decodeDurationMs(token->getText()), token);
  }

  ast::StringLiteral stringLiteral(antlr4::tree::TerminalNode* node) {
    antlr4::Token* token = node->getSymbol();
    return ast::StringLiteral{decodeStringOrRaw(token), span(token)};
  }

  /// A string with a bad escape is reported and then read as written, so that the checks
  /// after it see the name the user meant rather than an empty one.
  std::string decodeStringOrRaw(antlr4::Token* token) {
    const std::string text = token->getText();
    if (auto decoded = reportIfError(decodeString(text), token)) return *decoded;
    const auto open = text.find_first_of("\"'");
    const auto close = text.find_last_of("\"'");
    return open < close ? text.substr(open + 1, close - open - 1) : std::string();
  }

  static std::string trim(std::string text) {
    const auto first = text.find_first_not_of(" \t");
    if (first == std::string::npos) return {};
    const auto last = text.find_last_not_of(" \t");
    return text.substr(first, last - first + 1);
  }

  FileId file_;
  const InputLimits& limits_;
  DiagnosticSink& sink_;
  bool depthReported_ = false;
  bool incomplete_ = false;  // an expression was dropped, or a name was a reserved word
};

}  // namespace

ast::File buildAst(P::FileContext* tree, FileId file, const InputLimits& limits, DiagnosticSink& sink) {
  return AstBuilder(file, limits, sink).buildFile(tree);
}

ast::ExprPtr buildExpressionAst(P::ExprEntryContext* tree, FileId file, const InputLimits& limits, DiagnosticSink& sink) {
  return AstBuilder(file, limits, sink).buildExpressionEntry(tree);
}

}  // namespace approval::syntax
