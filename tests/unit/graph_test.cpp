// `approvalc graph`: expressions printed back as CEL, and machines drawn as Graphviz DOT and
// Mermaid with every label escaped for its target.
#include <doctest/doctest.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <cctype>
#include <string>

#include "approval/graph.h"

namespace {

using namespace approval;
using K = ir::ExprKind;
using Op = ast::BinaryOp;

ir::Expr lit(ast::LiteralValue value) {
  ir::Expr e;
  e.literal = std::move(value);
  return e;
}

ir::Expr node(K kind, std::vector<ir::Expr> operands = {}, std::string name = {}) {
  ir::Expr e;
  e.kind = kind;
  e.operands = std::move(operands);
  e.name = std::move(name);
  return e;
}

ir::Expr ctx(std::uint32_t ref) {
  ir::Expr e = node(K::ContextField);
  e.ref = ref;
  return e;
}

ir::Expr var(std::string name) { return node(K::Variable, {}, std::move(name)); }

ir::Expr bin(Op op, ir::Expr left, ir::Expr right) {
  ir::Expr e = node(K::Binary, {std::move(left), std::move(right)});
  e.binaryOp = op;
  return e;
}

ir::Expr neg(ir::Expr operand) {
  ir::Expr e = node(K::Unary, {std::move(operand)});
  e.unaryOp = ast::UnaryOp::Negate;
  return e;
}

ir::Expr notOf(ir::Expr operand) {
  ir::Expr e = node(K::Unary, {std::move(operand)});
  e.unaryOp = ast::UnaryOp::Not;
  return e;
}

ir::Expr method(ir::Expr receiver, std::string name, std::vector<ir::Expr> arguments) {
  arguments.insert(arguments.begin(), std::move(receiver));
  ir::Expr e = node(K::Call, std::move(arguments), std::move(name));
  e.receiverCall = true;
  return e;
}

ir::Machine machineWithContext() {
  ir::Machine m;
  m.name = "leave";
  m.context = {{"amount", "int", std::nullopt},
               {"applicant", "string", std::nullopt},
               {"reviewers", "list<string>", std::nullopt}};
  return m;
}

std::string show(const ir::Expr& e) { return formatExpr(e, machineWithContext()); }

ir::Transition edge(ir::StateIndex from, ir::StateIndex to) {
  ir::Transition t;
  t.source = from;
  t.target = to;
  return t;
}

ir::Call hostCall(std::string name, std::vector<ir::Expr> arguments = {}) {
  return ir::Call{ir::Call::Kind::Host, std::move(name), std::move(arguments)};
}

/// DRAFT → REVIEW on "submit" if amount <= 500 → notify("cfo"); REVIEW → DONE after 48h.
ir::Machine smallMachine() {
  ir::Machine m = machineWithContext();
  m.events = {{"submit", {}, false}};
  m.states = {{"DRAFT", false}, {"REVIEW", false}, {"DONE", true}};
  ir::Transition submit = edge(0, 1);
  submit.event = 0;
  submit.guard = bin(Op::LessEqual, ctx(0), lit(std::int64_t{500}));
  submit.actions = {ir::Action{hostCall("notify", {lit(std::string("cfo"))}), std::nullopt}};
  ir::Transition timeout = edge(1, 2);
  timeout.delayMs = 48LL * 3600 * 1000;
  m.transitions = {submit, timeout};
  return m;
}

/// Names chosen to break naive output: quotes, label separators, keywords, non-ASCII.
ir::Machine awkwardMachine() {
  ir::Machine m = machineWithContext();
  m.name = "say \"hi\"";
  m.events = {{"re:submit; now #1", {}, false}, {"end", {}, false}};
  m.states = {{"草稿", false},
              {"say \"hi\"", false},
              {"a:b;c#d", false},
              {"end", true},
              {"back\\slash<br>", true}};
  ir::Transition submit = edge(0, 1);
  submit.event = 0;
  submit.guard = bin(Op::Equal, node(K::EventField, {}, "comment"), lit(std::string("x\"y\\z:")));
  submit.actions = {
      ir::Action{hostCall("validate"), hostCall("undo", {lit(std::string("a;b"))})},
      ir::Action{ir::Call{ir::Call::Kind::Emit, "emit", {lit(std::string("done"))}}, std::nullopt}};
  ir::Transition toEnd = edge(1, 3);
  toEnd.event = 1;
  toEnd.guard = bin(Op::Modulo, ctx(0), lit(std::int64_t{2}));
  ir::Transition toOther = edge(2, 4);
  toOther.delayMs = 5400000;
  m.transitions = {submit, toEnd, toOther, edge(0, 2)};
  m.transitions.back().event = 1;
  return m;
}

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Runs Graphviz on the text; an empty string means it rendered without a word of complaint.
std::string dotComplaints(const std::string& dotText, const std::string& name) {
  const auto dir = std::filesystem::temp_directory_path();
  const auto input = dir / ("approval_graph_test_" + name + ".dot");
  const auto errors = dir / ("approval_graph_test_" + name + ".err");
  std::ofstream(input) << dotText;
  const std::string command =
      "dot -Tsvg '" + input.string() + "' -o /dev/null 2>'" + errors.string() + "'";
  const int status = std::system(command.c_str());
  std::string complaints = readFile(errors);
  if (status != 0) complaints += "\n(dot exited with status " + std::to_string(status) + ")";
  std::filesystem::remove(input);
  std::filesystem::remove(errors);
  return complaints;
}

}  // namespace

/// `text` without Mermaid entity codes such as `#58;` (a `#`, then letters or digits, then `;`).
std::string withoutEntityCodes(const std::string& text) {
  std::string out;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '#') {
      std::size_t end = i + 1;
      while (end < text.size() && (std::isalnum(static_cast<unsigned char>(text[end])) != 0)) ++end;
      if (end > i + 1 && end < text.size() && text[end] == ';') {
        i = end;
        continue;
      }
    }
    out += text[i];
  }
  return out;
}

TEST_CASE("formatExpr: literals print as CEL reads them") {
  CHECK(show(lit(ast::NullValue{})) == "null");
  CHECK(show(lit(true)) == "true");
  CHECK(show(lit(std::int64_t{-42})) == "-42");
  CHECK(show(lit(std::numeric_limits<std::int64_t>::min())) == "-9223372036854775808");
  CHECK(show(lit(std::uint64_t{7})) == "7u");
  CHECK(show(lit(1.0)) == "1.0");
  CHECK(show(lit(-0.0)) == "-0.0");
  CHECK(show(lit(0.1)) == "0.1");
  CHECK(show(lit(1e300)) == "1e+300");
  CHECK(show(lit(std::numeric_limits<double>::infinity())) == "double(\"inf\")");
  CHECK(show(lit(std::string("a\"b\\c\nd 草稿"))) == R"("a\"b\\c\nd 草稿")");
  CHECK(show(lit(std::string("\x01"))) == R"("\x01")");
  CHECK(show(lit(ast::Bytes{std::string("ab\x00\xff\"", 5)})) == R"(b"ab\x00\xff\"")");
  CHECK(show(lit(ast::Duration{48LL * 3600 * 1000})) == "48h");
  CHECK(show(lit(ast::Duration{90LL * 60 * 1000})) == "1h30m");
  CHECK(show(lit(ast::Duration{250})) == "250ms");
  CHECK(show(lit(ast::Duration{1500})) == "1s500ms");
  CHECK(show(lit(ast::Duration{0})) == "0s");
}

TEST_CASE("formatExpr: names, members, calls and collections") {
  CHECK(show(ctx(1)) == "applicant");
  CHECK(show(ctx(9)) == "<context field 9>");  // malformed IR is shown, not a crash
  CHECK(show(node(K::EventField, {}, "actor")) == "event.actor");
  CHECK(show(node(K::Select, {ctx(1)}, "size")) == "applicant.size");
  CHECK(show(node(K::Call, {}, "hasQuorum")) == "hasQuorum()");
  CHECK(show(node(K::Call, {lit(std::int64_t{2})}, "hasQuorum")) == "hasQuorum(2)");
  CHECK(show(method(ctx(2), "all", {var("r"), bin(Op::NotEqual, var("r"), ctx(1))})) ==
        "reviewers.all(r, r != applicant)");
  CHECK(show(method(lit(std::string("x")), "startsWith", {lit(std::string("y"))})) ==
        R"("x".startsWith("y"))");
  CHECK(show(node(K::Index, {ctx(2), bin(Op::Add, lit(std::int64_t{1}), lit(std::int64_t{2}))})) ==
        "reviewers[1 + 2]");
  CHECK(show(node(K::List, {lit(std::int64_t{1}), lit(std::int64_t{2})})) == "[1, 2]");
  CHECK(show(node(K::List)) == "[]");
  CHECK(show(node(K::Map, {lit(std::string("a")), lit(std::int64_t{1}), lit(std::string("b")),
                           lit(true)})) == R"({"a": 1, "b": true})");
  CHECK(show(node(K::Binary, {ctx(0)})) == "amount || ?");  // missing operand in malformed IR
}

TEST_CASE("formatExpr: parentheses only where precedence needs them") {
  const auto a = ctx(0);
  const auto b = lit(std::int64_t{2});
  const auto c = lit(std::int64_t{3});
  CHECK(show(bin(Op::Multiply, bin(Op::Add, a, b), c)) == "(amount + 2) * 3");
  CHECK(show(bin(Op::Add, a, bin(Op::Multiply, b, c))) == "amount + 2 * 3");
  CHECK(show(bin(Op::Subtract, bin(Op::Subtract, a, b), c)) == "amount - 2 - 3");
  CHECK(show(bin(Op::Subtract, a, bin(Op::Subtract, b, c))) == "amount - (2 - 3)");
  CHECK(show(bin(Op::Or, bin(Op::And, lit(true), lit(false)), lit(true))) ==
        "true && false || true");
  CHECK(show(bin(Op::And, bin(Op::Or, lit(true), lit(false)), lit(true))) ==
        "(true || false) && true");
  CHECK(show(bin(Op::Equal, bin(Op::Less, a, b), lit(true))) == "amount < 2 == true");
  CHECK(show(bin(Op::In, node(K::EventField, {}, "actor"), ctx(2))) == "event.actor in reviewers");
  CHECK(show(bin(Op::LessEqual, a, lit(std::int64_t{-5}))) == "amount <= -5");
  CHECK(show(notOf(bin(Op::And, lit(true), lit(false)))) == "!(true && false)");
  CHECK(show(notOf(notOf(lit(true)))) == "!!true");
  CHECK(show(neg(neg(a))) == "-(-amount)");
  CHECK(show(neg(lit(std::int64_t{-5}))) == "-(-5)");
  CHECK(show(neg(bin(Op::Add, a, b))) == "-(amount + 2)");
  CHECK(show(node(K::Select, {bin(Op::Add, a, b)}, "x")) == "(amount + 2).x");
  CHECK(show(method(lit(std::int64_t{-5}), "abs", {})) == "(-5).abs()");

  const auto cond = [](ir::Expr x, ir::Expr y, ir::Expr z) {
    return node(K::Conditional, {x, y, z});
  };
  CHECK(show(cond(bin(Op::Or, lit(true), lit(false)), a, b)) == "true || false ? amount : 2");
  CHECK(show(cond(lit(true), a, cond(lit(false), b, c))) == "true ? amount : false ? 2 : 3");
  CHECK(show(cond(cond(lit(true), lit(false), lit(true)), a, b)) ==
        "(true ? false : true) ? amount : 2");
  CHECK(show(cond(lit(true), cond(lit(false), b, c), a)) == "true ? (false ? 2 : 3) : amount");
  CHECK(show(bin(Op::Add, cond(lit(true), a, b), c)) == "(true ? amount : 2) + 3");
}

TEST_CASE("toDot: a small machine, exactly") {
  CHECK(toDot(smallMachine()) ==
        "digraph \"leave\" {\n"
        "  rankdir=LR;\n"
        "  node [shape=ellipse];\n"
        "  start [shape=point, label=\"\"];\n"
        "  s0 [label=\"DRAFT\"];\n"
        "  s1 [label=\"REVIEW\"];\n"
        "  s2 [label=\"DONE\", shape=doublecircle];\n"
        "  start -> s0;\n"
        "  s0 -> s1 [label=\"submit [amount <= 500] / notify(\\\"cfo\\\")\"];\n"
        "  s1 -> s2 [label=\"after 48h\"];\n"
        "}\n");
}

TEST_CASE("toMermaid: a small machine, exactly") {
  CHECK(toMermaid(smallMachine()) ==
        "stateDiagram-v2\n"
        "    state \"DRAFT\" as s0\n"
        "    state \"REVIEW\" as s1\n"
        "    state \"DONE\" as s2\n"
        "    [*] --> s0\n"
        "    s0 --> s1 : submit [amount #lt;= 500] / notify(#quot;cfo#quot;)\n"
        "    s1 --> s2 : after 48h\n"
        "    s2 --> [*]\n");
}

TEST_CASE("toDot escapes names and labels") {
  const std::string dot = toDot(awkwardMachine());
  CHECK(dot.rfind("digraph \"say \\\"hi\\\"\" {\n", 0) == 0);
  CHECK(dot.find("  s0 [label=\"草稿\"];\n") != std::string::npos);
  CHECK(dot.find("  s1 [label=\"say \\\"hi\\\"\"];\n") != std::string::npos);
  CHECK(dot.find("  s2 [label=\"a:b;c#d\"];\n") != std::string::npos);
  CHECK(dot.find("  s3 [label=\"end\", shape=doublecircle];\n") != std::string::npos);
  CHECK(dot.find("  s4 [label=\"back\\\\slash<br>\", shape=doublecircle];\n") != std::string::npos);
  CHECK(dot.find(R"x(  s0 -> s1 [label="re:submit; now #1 [event.comment == \"x\\\"y\\\\z:\"] / )x"
                 R"x(validate() compensate undo(\"a;b\"), emit(\"done\")"];)x") !=
        std::string::npos);
  CHECK(dot.find("  s2 -> s4 [label=\"after 1h30m\"];\n") != std::string::npos);
}

TEST_CASE("toMermaid uses generated ids and entity codes") {
  const std::string mermaid = toMermaid(awkwardMachine());
  CHECK(mermaid.find("    state \"草稿\" as s0\n") != std::string::npos);
  CHECK(mermaid.find("    state \"say #quot;hi#quot;\" as s1\n") != std::string::npos);
  CHECK(mermaid.find("    state \"a#58;b#59;c#35;d\" as s2\n") != std::string::npos);
  CHECK(mermaid.find("    state \"end\" as s3\n") != std::string::npos);
  CHECK(mermaid.find("    state \"back\\slash#lt;br#gt;\" as s4\n") != std::string::npos);
  CHECK(mermaid.find(
            "    s0 --> s1 : re#58;submit#59; now #35;1 [event.comment == "
            "#quot;x\\#quot;y\\\\z#58;#quot;] / validate() compensate undo(#quot;a#59;b#quot;), "
            "emit(#quot;done#quot;)\n") != std::string::npos);
  CHECK(mermaid.find("    s1 --> s3 : end [amount #37; 2]\n") != std::string::npos);
  CHECK(mermaid.find("    s3 --> [*]\n") != std::string::npos);
  CHECK(mermaid.find("    s4 --> [*]\n") != std::string::npos);
  // No line carries a raw separator after its label starts: `:` only as the label marker.
  std::size_t lineStart = 0;
  while (lineStart < mermaid.size()) {
    const std::size_t lineEnd = mermaid.find('\n', lineStart);
    const std::string line = mermaid.substr(lineStart, lineEnd - lineStart);
    const std::size_t labelStart = line.find(" : ");
    if (labelStart != std::string::npos) {
      // Entity codes (`#58;`) are how these characters travel; anything else is raw.
      const std::string label = withoutEntityCodes(line.substr(labelStart + 3));
      CAPTURE(line);
      CHECK(label.find_first_of(":;#\"<>%") == std::string::npos);
    }
    lineStart = lineEnd + 1;
  }
}

TEST_CASE("Graphviz renders the output without complaint") {
  if (!std::filesystem::exists("/usr/bin/dot")) {
    MESSAGE("dot not installed; skipping the rendering check");
    return;
  }
  CHECK(dotComplaints(toDot(smallMachine()), "small") == "");
  CHECK(dotComplaints(toDot(awkwardMachine()), "awkward") == "");
  CHECK(dotComplaints(toDot(ir::Machine{}), "empty") == "");
}
