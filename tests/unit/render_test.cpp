// The four diagnostic renderers (text, JSON, SARIF, GitHub) on hand-built diagnostics.
#include <doctest/doctest.h>

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "approval/render.h"

namespace approval {
namespace {

// A small flow with the awkward cases: a CJK state name (two cells per character) and a
// line indented by a tab (four cells in the output).
constexpr const char* kFlow =
    "state machine \"leave\" {\n"  // 1
    "  initial: DRAFT\n"           // 2
    "  states: [草稿, DRAFT]\n"    // 3
    "\tfinal: [DONE]\n"            // 4
    "}\n";                         // 5

SourceSpan span(FileId file, std::uint32_t line, std::uint32_t column, std::uint32_t endLine,
                std::uint32_t endColumn) {
  return SourceSpan{.file = file, .line = line, .column = column, .endLine = endLine, .endColumn = endColumn};
}

/// A diagnostic with the code table's severity, as DiagnosticSink would make it.
Diagnostic make(DiagnosticCode kind, SourceSpan where, std::string message) {
  Diagnostic diagnostic;
  diagnostic.kind = kind;
  diagnostic.severity = diagnosticInfo(kind).severity;
  diagnostic.message = std::move(message);
  diagnostic.primary = where;
  return diagnostic;
}

/// `final: [DONE]` names a state that is not declared: label, note and help.
Diagnostic unknownDone(FileId file) {
  Diagnostic diagnostic = make(DiagnosticCode::UnknownState, span(file, 4, 10, 4, 14), "unknown state `DONE`");
  diagnostic.primaryLabel = "not in `states:`";
  diagnostic.notes.push_back("every state must be listed in `states:`");
  diagnostic.help = "did you mean `DRAFT`?";
  return diagnostic;
}

// ---- Text ------------------------------------------------------------------------------

TEST_CASE("text: header, source line, caret with label, note, help and summary") {
  SourceManager sources;
  const FileId flow = sources.add("flow.dsl", kFlow);
  // The tab before `final` is printed as four spaces and the carets sit under `DONE`.
  CHECK(renderText({unknownDone(flow)}, sources) ==
        "flow.dsl:4:10: error[E0201]: unknown state `DONE`\n"
        "  |\n"
        "4 |     final: [DONE]\n"
        "  |             ^^^^ not in `states:`\n"
        "  |\n"
        "  = note: every state must be listed in `states:`\n"
        "  = help: did you mean `DRAFT`?\n"
        "\n"
        "error: 1 error emitted\n");
}

TEST_CASE("text: wide CJK characters take two cells, so carets after them still line up") {
  SourceManager sources;
  const FileId flow = sources.add("flow.dsl", kFlow);
  Diagnostic afterCjk = make(DiagnosticCode::DuplicateState, span(flow, 3, 16, 3, 21), "duplicate state `DRAFT`");
  Diagnostic onCjk = make(DiagnosticCode::UnknownState, span(flow, 3, 12, 3, 14), "unknown state `草稿`");
  const std::string text = renderText({afterCjk, onCjk}, sources);
  CHECK(text ==
        "flow.dsl:3:16: error[E0202]: duplicate state `DRAFT`\n"
        "  |\n"
        "3 |   states: [草稿, DRAFT]\n"
        "  |                  ^^^^^\n"
        "\n"
        "flow.dsl:3:12: error[E0201]: unknown state `草稿`\n"
        "  |\n"
        "3 |   states: [草稿, DRAFT]\n"
        "  |            ^^^^\n"
        "\n"
        "error: 2 errors emitted\n");
}

TEST_CASE("text: CRLF line endings are not printed and do not shift the caret") {
  SourceManager sources;
  const FileId file = sources.add("crlf.dsl", "initial: A\r\nstates: [B]\r\n");
  const std::string text = renderText({make(DiagnosticCode::InitialNotDeclared, span(file, 2, 10, 2, 11), "no A")},
                                      sources);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text ==
        "crlf.dsl:2:10: error[E0204]: no A\n"
        "  |\n"
        "2 | states: [B]\n"
        "  |          ^\n"
        "\n"
        "error: 1 error emitted\n");
}

TEST_CASE("text: secondary spans are dashed, in line order, and another file gets its own -->") {
  SourceManager sources;
  const FileId flow = sources.add("flow.dsl", kFlow);
  const FileId other = sources.add("other.dsl", "states: [DRAFT]\n");
  Diagnostic duplicate = make(DiagnosticCode::DuplicateState, span(flow, 3, 16, 3, 21), "state `DRAFT` declared twice");
  duplicate.primaryLabel = "declared again here";
  duplicate.secondary.push_back({span(flow, 2, 12, 2, 17), "used here"});
  duplicate.secondary.push_back({span(other, 1, 10, 1, 15), "first declared here"});
  CHECK(renderText({duplicate}, sources) ==
        "flow.dsl:3:16: error[E0202]: state `DRAFT` declared twice\n"
        "  |\n"
        "2 |   initial: DRAFT\n"
        "  |            ----- used here\n"
        "3 |   states: [草稿, DRAFT]\n"
        "  |                  ^^^^^ declared again here\n"
        " --> other.dsl:1:10\n"
        "  |\n"
        "1 | states: [DRAFT]\n"
        "  |          ----- first declared here\n"
        "\n"
        "error: 1 error emitted\n");
}

TEST_CASE("text: two marks on one line share the source line; skipped lines show ...; wide gutter") {
  SourceManager sources;
  std::string twelveLines;
  for (int i = 1; i <= 12; ++i) twelveLines += "line " + std::to_string(i) + "\n";
  const FileId file = sources.add("long.dsl", twelveLines);
  Diagnostic ambiguous = make(DiagnosticCode::AmbiguousTransitions, span(file, 12, 1, 12, 5), "ambiguous");
  ambiguous.secondary.push_back({span(file, 12, 6, 12, 8), "this one"});
  ambiguous.secondary.push_back({span(file, 9, 1, 9, 5), "and this one"});
  CHECK(renderText({ambiguous}, sources) ==
        "long.dsl:12:1: error[E0301]: ambiguous\n"
        "   |\n"
        " 9 | line 9\n"
        "   | ---- and this one\n"
        "...\n"
        "12 | line 12\n"
        "   | ^^^^\n"
        "   |      -- this one\n"
        "\n"
        "error: 1 error emitted\n");
}

TEST_CASE("text: spans without a line print no snippet; a known file is still named") {
  SourceManager sources;
  const FileId flow = sources.add("flow.dsl", kFlow);
  Diagnostic wholeFile = make(DiagnosticCode::NoFinalState, span(flow, 0, 0, 0, 0), "the machine has no final state");
  wholeFile.help = "add `final: [...]`";
  Diagnostic nowhere = make(DiagnosticCode::NoMachine, span(42, 0, 0, 0, 0), "no input declares a machine");
  nowhere.secondary.push_back({span(42, 3, 1, 3, 2), "lost location"});
  CHECK(renderText({wholeFile, nowhere}, sources) ==
        "flow.dsl: warning[W0404]: the machine has no final state\n"
        "  = help: add `final: [...]`\n"
        "\n"
        "error[E0108]: no input declares a machine\n"
        "  = note: lost location\n"
        "\n"
        "error: 1 error and 1 warning emitted\n");
}

TEST_CASE("text: multi-line, empty and past-the-end spans still get carets") {
  SourceManager sources;
  const FileId file = sources.add("f.dsl", "abc {\n  x\n}");
  const auto render = [&](SourceSpan where) {
    return renderText({make(DiagnosticCode::SyntaxError, where, "m")}, sources);
  };
  // To the end of the first line of a span that goes on.
  CHECK(render(span(file, 1, 5, 3, 2)).find("1 | abc {\n  |     ^\n") != std::string::npos);
  CHECK(render(span(file, 1, 1, 2, 1)).find("1 | abc {\n  | ^^^^^\n") != std::string::npos);
  // An empty span gets one caret; one just after the line's end points after its last character.
  CHECK(render(span(file, 1, 2, 1, 2)).find("  |  ^\n") != std::string::npos);
  CHECK(render(span(file, 1, 6, 1, 6)).find("  |      ^\n") != std::string::npos);
  // An empty line prints no trailing space after the gutter.
  SourceManager blank;
  const FileId empty = blank.add("e.dsl", "\n");
  CHECK(renderText({make(DiagnosticCode::NoMachine, span(empty, 1, 1, 1, 1), "m")}, blank)
            .find("1 |\n  | ^\n") != std::string::npos);
}

TEST_CASE("text: control characters, bidi overrides and invalid UTF-8 cannot reach the terminal") {
  SourceManager sources;
  const FileId file = sources.add("evil.dsl", "a\x1b[2Jb\xE2\x80\xAE\xFFz\n");
  const std::string text = renderText({make(DiagnosticCode::InvalidUtf8, span(file, 1, 8, 1, 9), "bad byte")}, sources);
  CHECK(text.find('\x1b') == std::string::npos);
  CHECK(text.find("\xE2\x80\xAE") == std::string::npos);
  // ESC, U+202E and the bad byte each become one U+FFFD of one cell; the caret is under the bad byte.
  CHECK(text.find("1 | a\xEF\xBF\xBD[2Jb\xEF\xBF\xBD\xEF\xBF\xBDz\n  |        ^\n") != std::string::npos);
}

TEST_CASE("text: a very long line is cut to a window around the caret") {
  SourceManager sources;
  const std::string longLine = std::string(300, 'a') + "BAD" + std::string(300, 'b');
  const FileId file = sources.add("long.dsl", longLine + "\n");
  const std::string text = renderText({make(DiagnosticCode::SyntaxError, span(file, 1, 301, 1, 304), "unexpected `BAD`")}, sources);
  // 40 cells of context before the caret, 120 cells shown in all, "..." on both cut ends.
  const std::string shown = "..." + std::string(40, 'a') + "BAD" + std::string(77, 'b') + "...";
  CHECK(text.find("1 | " + shown + "\n") != std::string::npos);
  CHECK(text.find("  | " + std::string(43, ' ') + "^^^\n") != std::string::npos);
  CHECK(text.size() < 600);
}

TEST_CASE("text: a line too long to decode whole prints as the same window, however long") {
  // Lines over 4 KiB are decoded only around their marks. A thousand diagnostics on a 2 MB
  // line used to decode all of it a thousand times (86 s); each is now a slice.
  for (const std::size_t before : {std::size_t{300}, std::size_t{1'000'000}}) {
    for (const std::size_t after : {std::size_t{300}, std::size_t{1'000'000}}) {
      CAPTURE(before);
      CAPTURE(after);
      SourceManager sources;
      // Wide characters before the mark: the slice must count their cells as the whole line does.
      const std::string prefix = std::string(before, 'a') + "草稿";
      const FileId file = sources.add("long.dsl", prefix + "BAD" + std::string(after, 'b') + "\n");
      const auto column = static_cast<std::uint32_t>(before + 3);
      std::vector<Diagnostic> diagnostics;
      for (int i = 0; i < 1000; ++i) {
        diagnostics.push_back(make(DiagnosticCode::SyntaxError, span(file, 1, column, 1, column + 3), "unexpected `BAD`"));
      }
      const std::string text = renderText(diagnostics, sources);
      const std::string shown = "..." + std::string(36, 'a') + "草稿BAD" + std::string(77, 'b') + "...";
      CHECK(text.find("1 | " + shown + "\n") != std::string::npos);
      CHECK(text.find("  | " + std::string(43, ' ') + "^^^\n") != std::string::npos);
      CHECK(text.size() < 1000 * 400);
    }
  }
  // A mark near either end of a long line: no "..." on the side that is not cut.
  SourceManager sources;
  const FileId file = sources.add("ends.dsl", "BAD" + std::string(10'000, 'b') + "END\n");
  const std::string start = renderText({make(DiagnosticCode::SyntaxError, span(file, 1, 1, 1, 4), "x")}, sources);
  CHECK(start.find("1 | BAD" + std::string(117, 'b') + "...\n") != std::string::npos);
  const std::string end = renderText({make(DiagnosticCode::SyntaxError, span(file, 1, 10'004, 1, 10'007), "x")}, sources);
  CHECK(end.find("1 | ..." + std::string(40, 'b') + "END\n") != std::string::npos);
  CHECK(end.find("  | " + std::string(43, ' ') + "^^^\n") != std::string::npos);
}

TEST_CASE("text: summary line names the counts, led by the worst severity") {
  SourceManager sources;
  const FileId flow = sources.add("flow.dsl", kFlow);
  const Diagnostic error = make(DiagnosticCode::UnknownState, span(flow, 0, 0, 0, 0), "e");
  const Diagnostic warning = make(DiagnosticCode::UnreachableState, span(flow, 0, 0, 0, 0), "w");
  Diagnostic note = warning;
  note.severity = Severity::Note;

  const auto summary = [&](const std::vector<Diagnostic>& diagnostics) {
    const std::string text = renderText(diagnostics, sources);
    const std::size_t lastLine = text.rfind('\n', text.size() - 2);
    return text.substr(lastLine + 1);
  };
  CHECK(summary({error, error, warning}) == "error: 2 errors and 1 warning emitted\n");
  CHECK(summary({warning}) == "warning: 1 warning emitted\n");
  CHECK(summary({warning, warning, note}) == "warning: 2 warnings and 1 note emitted\n");
  CHECK(summary({error, warning, note}) == "error: 1 error, 1 warning and 1 note emitted\n");
  CHECK(summary({note}) == "note: 1 note emitted\n");
  CHECK(renderText({}, sources).empty());
}

TEST_CASE("text: ANSI colour only when asked for") {
  SourceManager sources;
  const FileId flow = sources.add("flow.dsl", kFlow);
  const std::vector<Diagnostic> diagnostics{unknownDone(flow)};
  CHECK(renderText(diagnostics, sources, {.color = false}).find('\x1b') == std::string::npos);
  const std::string colored = renderText(diagnostics, sources, {.color = true});
  CHECK(colored.find("\x1b[1;31merror[E0201]\x1b[0m") != std::string::npos);
  CHECK(colored.find("\x1b[1;31m^^^^ not in `states:`\x1b[0m") != std::string::npos);
  CHECK(colored.find("\x1b[1;31merror\x1b[0m\x1b[1m: 1 error emitted\x1b[0m\n") != std::string::npos);
}

// ---- JSON ------------------------------------------------------------------------------

TEST_CASE("json: parses back with every field, nulls for what is absent, and the counts") {
  SourceManager sources;
  const FileId flow = sources.add("flow.dsl", kFlow);
  const FileId other = sources.add("other.dsl", "states: [DRAFT]\n");
  Diagnostic error = unknownDone(flow);
  error.secondary.push_back({span(other, 1, 10, 1, 15), "declared here"});
  const Diagnostic warning = make(DiagnosticCode::NoFinalState, span(flow, 0, 0, 0, 0), "no final state");

  const std::string text = renderJson({error, warning, warning}, sources);
  CHECK(renderJson({error, warning, warning}, sources) == text);  // deterministic
  const auto document = nlohmann::json::parse(text);
  CHECK(document["errors"] == 1);
  CHECK(document["warnings"] == 2);
  REQUIRE(document["diagnostics"].size() == 3);

  const auto& first = document["diagnostics"][0];
  CHECK(first["code"] == "E0201");
  CHECK(first["severity"] == "error");
  CHECK(first["message"] == "unknown state `DONE`");
  CHECK(first["file"] == "flow.dsl");
  CHECK(first["line"] == 4);
  CHECK(first["column"] == 10);
  CHECK(first["endLine"] == 4);
  CHECK(first["endColumn"] == 14);
  CHECK(first["label"] == "not in `states:`");
  CHECK(first["notes"] == nlohmann::json::array({"every state must be listed in `states:`"}));
  CHECK(first["help"] == "did you mean `DRAFT`?");
  REQUIRE(first["secondary"].size() == 1);
  CHECK(first["secondary"][0] == nlohmann::json{{"file", "other.dsl"}, {"line", 1}, {"column", 10},
                                                {"endLine", 1}, {"endColumn", 15}, {"label", "declared here"}});

  const auto& second = document["diagnostics"][1];
  CHECK(second["severity"] == "warning");
  CHECK(second["file"] == "flow.dsl");
  CHECK(second["line"].is_null());
  CHECK(second["label"].is_null());
  CHECK(second["help"].is_null());
  CHECK(second["secondary"].empty());
  CHECK(second["notes"].empty());
}

TEST_CASE("json: no diagnostics and invalid UTF-8 in a message") {
  SourceManager sources;
  const auto empty = nlohmann::json::parse(renderJson({}, sources));
  CHECK(empty ==
        nlohmann::json{{"diagnostics", nlohmann::json::array()}, {"errors", 0}, {"warnings", 0}, {"notShown", 0}});
  CHECK(nlohmann::json::parse(renderJson({}, sources, 7)).at("notShown") == 7);
  CHECK_FALSE(nlohmann::json::parse(renderSarif({}, sources)).at("runs").at(0).contains("properties"));
  CHECK(nlohmann::json::parse(renderSarif({}, sources, 7)).at("runs").at(0).at("properties").at("notShown") == 7);
  CHECK(renderGithub({}, sources, 7) ==
        "::warning title=approvalc::7 more diagnostics were found and not shown: fix the first ones and check again\n");

  const FileId file = sources.add("bad.dsl", "\xFF\n");
  const std::string text =
      renderJson({make(DiagnosticCode::InvalidUtf8, span(file, 1, 1, 1, 2), "byte \xFF is not UTF-8")}, sources);
  CHECK(nlohmann::json::parse(text)["diagnostics"][0]["message"] == "byte \xEF\xBF\xBD is not UTF-8");
}

// ---- SARIF -----------------------------------------------------------------------------

TEST_CASE("sarif: required fields, the whole rule table, and results that point into it") {
  SourceManager sources;
  const FileId flow = sources.add("flows/flow.dsl", kFlow);
  const FileId other = sources.add("other.dsl", "states: [DRAFT]\n");
  Diagnostic error = unknownDone(flow);
  error.secondary.push_back({span(other, 1, 10, 1, 15), "declared here"});
  const Diagnostic warning = make(DiagnosticCode::UnreachableState, span(flow, 3, 16, 3, 21), "`DRAFT` is unreachable");

  const auto log = nlohmann::json::parse(renderSarif({error, warning}, sources));
  CHECK(log["$schema"] == "https://json.schemastore.org/sarif-2.1.0.json");
  CHECK(log["version"] == "2.1.0");
  REQUIRE(log["runs"].size() == 1);
  const auto& run = log["runs"][0];
  CHECK(run["tool"]["driver"]["name"] == "approvalc");
  CHECK(run["tool"]["driver"]["informationUri"].is_string());
  CHECK(run["columnKind"] == "unicodeCodePoints");

  const auto& rules = run["tool"]["driver"]["rules"];
  REQUIRE(rules.size() == allDiagnostics().size());
  for (std::size_t i = 0; i < rules.size(); ++i) {
    const DiagnosticInfo& info = allDiagnostics()[i];
    CHECK(rules[i]["id"] == info.code);
    CHECK(rules[i]["name"] == info.name);
    CHECK(rules[i]["shortDescription"]["text"] == info.summary);
    CHECK(rules[i]["defaultConfiguration"]["level"] == severityName(info.severity));
  }

  const auto& results = run["results"];
  REQUIRE(results.size() == 2);
  for (const auto& result : results) {
    CHECK(result["message"]["text"].is_string());
    CHECK(rules[result["ruleIndex"].get<std::size_t>()]["id"] == result["ruleId"]);
  }
  const auto& first = results[0];
  CHECK(first["ruleId"] == "E0201");
  CHECK(first["level"] == "error");
  CHECK(first["message"]["text"] == "unknown state `DONE`. Did you mean `DRAFT`?");
  const auto& location = first["locations"][0]["physicalLocation"];
  CHECK(location["artifactLocation"]["uri"] == "flows/flow.dsl");
  CHECK(location["region"] ==
        nlohmann::json{{"startLine", 4}, {"startColumn", 10}, {"endLine", 4}, {"endColumn", 14}});
  REQUIRE(first["relatedLocations"].size() == 1);
  CHECK(first["relatedLocations"][0]["message"]["text"] == "declared here");
  CHECK(first["relatedLocations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "other.dsl");
  CHECK(first["relatedLocations"][0]["physicalLocation"]["region"]["startColumn"] == 10);

  CHECK(results[1]["level"] == "warning");
  CHECK(results[1]["message"]["text"] == "`DRAFT` is unreachable");
  CHECK_FALSE(results[1].contains("relatedLocations"));
}

TEST_CASE("sarif: URIs are encoded; spans without a line or a file have no region or location") {
  SourceManager sources;
  const FileId spaced = sources.add("my flows/审批#1.dsl", "x\n");
  const FileId absolute = sources.add("/srv/flows/a.dsl", "x\n");
  const Diagnostic wholeFile = make(DiagnosticCode::NoMachine, span(spaced, 0, 0, 0, 0), "no machine");
  const Diagnostic onAbsolute = make(DiagnosticCode::NoMachine, span(absolute, 1, 1, 1, 2), "no machine");
  const Diagnostic nowhere = make(DiagnosticCode::NoMachine, span(99, 1, 1, 1, 2), "no machine");

  const auto results = nlohmann::json::parse(renderSarif({wholeFile, onAbsolute, nowhere}, sources))["runs"][0]["results"];
  const auto& fileOnly = results[0]["locations"][0]["physicalLocation"];
  CHECK(fileOnly["artifactLocation"]["uri"] == "my%20flows/%E5%AE%A1%E6%89%B9%231.dsl");
  CHECK_FALSE(fileOnly.contains("region"));
  CHECK(results[1]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "file:///srv/flows/a.dsl");
  CHECK_FALSE(results[2].contains("locations"));
  CHECK(results[2]["message"]["text"] == "no machine");
}

// ---- GitHub ----------------------------------------------------------------------------

TEST_CASE("github: one workflow command per diagnostic with location, title and help") {
  SourceManager sources;
  const FileId flow = sources.add("flow.dsl", kFlow);
  Diagnostic error = make(DiagnosticCode::UnknownState, span(flow, 4, 10, 4, 14), "unknown state `DONE`");
  error.help = "did you mean `DRAFT`?";
  const Diagnostic warning = make(DiagnosticCode::NoFinalState, span(flow, 0, 0, 0, 0), "no final state");
  Diagnostic note = make(DiagnosticCode::UnreachableState, span(flow, 2, 3, 5, 2), "spans lines");
  note.severity = Severity::Note;
  const Diagnostic nowhere = make(DiagnosticCode::NoMachine, span(7, 0, 0, 0, 0), "no machine");

  CHECK(renderGithub({error, warning, note, nowhere}, sources) ==
        "::error file=flow.dsl,line=4,col=10,endLine=4,endColumn=14,title=E0201::unknown state `DONE`"
        "%0Ahelp: did you mean `DRAFT`?\n"
        "::warning file=flow.dsl,title=W0404::no final state\n"
        // GitHub takes columns only on single-line annotations.
        "::notice file=flow.dsl,line=2,endLine=5,title=W0401::spans lines\n"
        "::error title=E0108::no machine\n");
  CHECK(renderGithub({}, sources).empty());
}

TEST_CASE("github: messages and property values are escaped; labels and notes become lines") {
  SourceManager sources;
  const FileId file = sources.add("dir,with:odd%name.dsl", "x\n");
  const FileId other = sources.add("other.dsl", "y\n");
  Diagnostic quorum = make(DiagnosticCode::InvalidQuorum, span(file, 1, 1, 1, 2), "quorum 150% is over 100%\r\nfix it");
  quorum.primaryLabel = "here: too big";
  quorum.secondary.push_back({span(other, 1, 1, 1, 2), "policy, declared"});
  quorum.notes.push_back("a, b: c");
  CHECK(renderGithub({quorum}, sources) ==
        "::error file=dir%2Cwith%3Aodd%25name.dsl,line=1,col=1,endLine=1,endColumn=2,title=E0211::"
        "quorum 150%25 is over 100%25%0D%0Afix it%0Ahere: too big%0Aother.dsl:1:1: policy, declared"
        "%0Anote: a, b: c\n");
}

}  // namespace
}  // namespace approval
