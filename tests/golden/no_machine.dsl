// expect: error[E0108] declares no state machine
// E0108: a file with only comments (or only whitespace) declares no machine; the
// diagnostic is at line 1.
/* a block comment */
# a hash comment
