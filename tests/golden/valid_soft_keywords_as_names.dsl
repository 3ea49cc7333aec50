// Valid: the DSL's keywords are soft. They can name context fields, payload fields, states,
// macro variables and host actions; the parser tells them apart by position. No diagnostics.
// (`if` and CEL's reserved words `in`, `true`, `false`, `null` are never names.)
state machine "soft-keywords" {
  version: 2
  context {
    version: int = 1
    context: string
    states: list<string>
    initial: bool
    quorum: int
    all: list<string>
  }
  events { "submit" { on: string, after: int, compensate: bool }, "next", "route", "undo", "of", "final" }
  quorum: all of all
  initial: initial
  states: [initial, state, machine, final, transitions, routes, compensate, of]
  final: [final]
  transitions {
    initial → state on "submit" if version > 1 && event.on != "" && event.compensate && event.after > 0
    state → machine on "next" if context == "x" && initial && quorum > 0 && states.all(of, of != "")
    machine → transitions after 1h if all.exists(on, on == "routes")
    transitions → routes on "route" → compensate() , after(version) compensate on(version)
    routes → compensate on "undo" → final(1)
    compensate → of on "of" if hasQuorum()
    of → final on "final"
  }
  routes { "submit" → "final" }
}
