// Syntax of the approval DSL (docs/LANGUAGE.md). Every rule is handled by the method of
// compiler/syntax/ast_builder.cpp that carries the same rule in its `///` comment.
// Expression rules are loops rather than left recursion so that long operator chains give
// a flat parse tree; nesting depth is bounded before parsing (see parse_driver.cpp).
parser grammar ApprovalParser;

options { tokenVocab = ApprovalLexer; }

file : machine* EOF;

machine : STATE MACHINE STRING LBRACE section* RBRACE;

section
  : VERSION COLON INT                               # versionSection
  | CONTEXT LBRACE fieldDecl* RBRACE                # contextSection
  | EVENTS LBRACE eventDecl* RBRACE                 # eventsSection
  | QUORUM COLON quorumPolicy                       # quorumSection
  | INITIAL COLON declaredName                      # initialSection
  | STATES COLON stateList                          # statesSection
  | FINAL COLON stateList                           # finalSection
  | TRANSITIONS LBRACE transition* RBRACE           # transitionsSection
  | ROUTES LBRACE route* RBRACE                     # routesSection
  ;

fieldDecl : declaredName COLON typeRef (ASSIGN expr)? COMMA?;

typeRef : name (LT typeRef (COMMA typeRef)* GT)?;

eventDecl : STRING (LBRACE fieldDecl* RBRACE)? COMMA?;

quorumPolicy
  : INT PERCENT OF name   # percentQuorum
  | ALL OF name           # allQuorum
  | INT                   # countQuorum
  ;

stateList : LBRACKET (declaredName (COMMA declaredName)* COMMA?)? RBRACKET;

transition : source ARROW target=name trigger (IF expr)? (ARROW action (COMMA action)*)?;

source
  : name        # namedSource
  | stateList   # listSource
  | STAR        # anySource
  ;

trigger
  : ON STRING         # eventTrigger
  | AFTER DURATION    # timerTrigger
  ;

action : call (COMPENSATE compensation=call)?;

call : name LPAREN exprList? RPAREN;

route : STRING ARROW STRING (COMMA STRING)*;

// ---- Guard expressions: CEL (cel-spec doc/langdef.md) ----

// A guard expression on its own, for `approvalc eval`.
exprEntry : expr EOF;

expr : conditionalOr (QUESTION conditionalOr COLON conditionalOr)*;

conditionalOr : conditionalAnd (LOR conditionalAnd)*;

conditionalAnd : relation (LAND relation)*;

relation : addition (relop addition)*;

relop : LT | LE | GE | GT | EQ | NE | IN;

addition : multiplication (op+=(PLUS | MINUS) multiplication)*;

multiplication : unary (op+=(STAR | SLASH | PERCENT) unary)*;

unary
  : member            # plainUnary
  | BANG+ member      # notUnary
  | MINUS+ member     # negateUnary
  ;

member : primary memberSuffix*;

memberSuffix
  : DOT name (open=LPAREN exprList? RPAREN)?   # selectOrCall
  | LBRACKET expr RBRACKET                     # indexSuffix
  ;

primary
  : leadingDot=DOT? name (open=LPAREN exprList? RPAREN)?   # identOrCall
  | LPAREN expr RPAREN                                     # parenthesized
  | LBRACKET exprList? COMMA? RBRACKET                     # listLiteral
  | LBRACE mapInits? COMMA? RBRACE                         # mapLiteral
  | literal                                                # literalPrimary
  ;

exprList : expr (COMMA expr)*;

mapInits : expr COLON expr (COMMA expr COLON expr)*;

literal
  : INT | UINT | DOUBLE | STRING | BYTES | DURATION | TRUE_LIT | FALSE_LIT | NULL_LIT
  ;

// A name being declared or listed. Reserved words are accepted here so that the AST builder
// can say "`in` is reserved" instead of the parser losing its way.
declaredName : name | reserved=(IF | IN | TRUE_LIT | FALSE_LIT | NULL_LIT);

// Keywords of the DSL are soft: they are valid names everywhere a name is expected. `if` is
// reserved, so that a guard left empty is reported as such rather than read as a state name.
name
  : IDENT | STATE | MACHINE | VERSION | CONTEXT | EVENTS | QUORUM | INITIAL | STATES
  | FINAL | TRANSITIONS | ROUTES | ON | AFTER | COMPENSATE | OF | ALL
  ;
