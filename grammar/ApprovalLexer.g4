// Tokens of the approval DSL and of its CEL-subset guard language.
// Keywords are "soft": the parser's `name` rule accepts them wherever a name is expected,
// so a context field may be called `version` or a state `final`. `if` is the exception.
lexer grammar ApprovalLexer;

STATE       : 'state';
MACHINE     : 'machine';
VERSION     : 'version';
CONTEXT     : 'context';
EVENTS      : 'events';
QUORUM      : 'quorum';
INITIAL     : 'initial';
STATES      : 'states';
FINAL       : 'final';
TRANSITIONS : 'transitions';
ROUTES      : 'routes';
ON          : 'on';
AFTER       : 'after';
IF          : 'if';
COMPENSATE  : 'compensate';
OF          : 'of';
ALL         : 'all';

// CEL reserves these; they are never names.
IN        : 'in';
TRUE_LIT  : 'true';
FALSE_LIT : 'false';
NULL_LIT  : 'null';

ARROW    : '->' | '\u2192';
LBRACE   : '{';
RBRACE   : '}';
LBRACKET : '[';
RBRACKET : ']';
LPAREN   : '(';
RPAREN   : ')';
COMMA    : ',';
COLON    : ':';
DOT      : '.';
QUESTION : '?';
ASSIGN   : '=';
EQ       : '==';
NE       : '!=';
LE       : '<=';
GE       : '>=';
LT       : '<';
GT       : '>';
LAND     : '&&';
LOR      : '||';
BANG     : '!';
PLUS     : '+';
MINUS    : '-';
STAR     : '*';
SLASH    : '/';
PERCENT  : '%';

// 48h, 30m, 7d, 1h30m, 250ms: a DSL extension of CEL, checked and folded by the AST builder.
DURATION : (DIGIT+ ('ms' | 's' | 'm' | 'h' | 'd'))+;

DOUBLE
  : DIGIT+ '.' DIGIT+ EXPONENT?
  | DIGIT+ EXPONENT
  | '.' DIGIT+ EXPONENT?
  ;
UINT : (DIGIT+ | '0x' HEXDIGIT+) [uU];
INT  : DIGIT+ | '0x' HEXDIGIT+;

// Escapes are validated by the AST builder so that a bad one gets a precise diagnostic
// instead of an unrecognised character. A raw string (`r"..."`) has no escapes: it ends at
// its first closing quote, so `r"C:\dir\"` is `C:\dir\` (CEL's langdef).
STRING
  : '"""' ('\\' . | .)*? '"""'
  | '\'\'\'' ('\\' . | .)*? '\'\'\''
  | '"' ('\\' ~[\r\n] | ~["\\\r\n])* '"'
  | '\'' ('\\' ~[\r\n] | ~['\\\r\n])* '\''
  | [rR] RAW_BODY
  ;
BYTES : [bB] STRING_BODY | [bB] [rR] RAW_BODY;

// A string that reaches the end of its line without a closing quote. It only wins the
// longest-match rule when STRING cannot match, and is reported as a located error.
UNTERMINATED_STRING
  : '"' ('\\' ~[\r\n] | ~["\\\r\n])*
  | '\'' ('\\' ~[\r\n] | ~['\\\r\n])*
  | [rR] '"' ~["\r\n]*
  | [rR] '\'' ~['\r\n]*
  ;

IDENT : [\p{L}_] [\p{L}\p{N}_]*;

WHITESPACE    : [ \t\r\n\f\u00A0\uFEFF]+ -> skip;
LINE_COMMENT  : ('//' | '#') ~[\r\n]* -> channel(HIDDEN);
BLOCK_COMMENT : '/*' .*? '*/' -> channel(HIDDEN);
// The body cannot contain `*/`, so this matches only when the comment is never closed.
UNTERMINATED_COMMENT : '/*' (~'*' | '*'+ ~[*/])* '*'* EOF;

// Anything else becomes one token so the parser driver can report it with its location.
UNKNOWN_CHAR : .;

fragment STRING_BODY
  : '"' ('\\' ~[\r\n] | ~["\\\r\n])* '"'
  | '\'' ('\\' ~[\r\n] | ~['\\\r\n])* '\''
  ;
fragment RAW_BODY
  : '"""' .*? '"""'
  | '\'\'\'' .*? '\'\'\''
  | '"' ~["\r\n]* '"'
  | '\'' ~['\r\n]* '\''
  ;
fragment DIGIT    : [0-9];
fragment HEXDIGIT : [0-9a-fA-F];
fragment EXPONENT : [eE] [+-]? DIGIT+;
