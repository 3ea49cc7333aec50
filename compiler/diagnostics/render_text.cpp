// `approvalc check --format text`: rustc-style diagnostics for people at a terminal.
//
//   flow.dsl:3:11: error[E0201]: unknown state `X`
//     |
//   3 |   DRAFT → X on "submit"
//     |           ^ not declared in `states:`
//     |
//     = help: did you mean `Y`?
//
//   error: 1 error emitted
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <fmt/format.h>

#include "approval/render.h"

namespace approval {

namespace {

// ---- Display columns ----------------------------------------------------------------
// Spans count Unicode code points, but a terminal places a caret by cells: a tab is several
// cells and a CJK character two. Every source line is converted once into what is printed
// plus the cell where each code point starts, and the carets are placed from that.

constexpr char32_t kReplacementCharacter = 0xFFFD;
constexpr std::size_t kTabWidth = 4;  // tabs are printed as spaces so the terminal's tab stops don't matter

struct DecodedCodePoint {
  char32_t value;
  std::size_t length;  // bytes consumed
};

/// Decodes one UTF-8 sequence. A malformed sequence decodes as one U+FFFD per byte, so a file
/// that is itself being diagnosed as invalid UTF-8 (E0101) still renders.
DecodedCodePoint decodeUtf8(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  const unsigned char lead = byte(at);
  if (lead < 0x80) return {lead, 1};

  struct Form {
    unsigned char mask, pattern;
    std::size_t length;
    char32_t smallest;  // below this the encoding is overlong
  };
  constexpr Form kForms[] = {{0xE0, 0xC0, 2, 0x80}, {0xF0, 0xE0, 3, 0x800}, {0xF8, 0xF0, 4, 0x10000}};
  const Form* form = nullptr;
  for (const Form& candidate : kForms) {
    if ((lead & candidate.mask) == candidate.pattern) form = &candidate;
  }
  if (form == nullptr) return {kReplacementCharacter, 1};
  const std::size_t length = form->length;
  const char32_t smallest = form->smallest;
  char32_t value = lead & static_cast<unsigned char>(~form->mask);
  if (at + length > text.size()) return {kReplacementCharacter, 1};
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(at + i) & 0xC0) != 0x80) return {kReplacementCharacter, 1};
    value = (value << 6) | (byte(at + i) & 0x3F);
  }
  const bool surrogate = value >= 0xD800 && value <= 0xDFFF;
  if (value < smallest || value > 0x10FFFF || surrogate) return {kReplacementCharacter, 1};
  return {value, length};
}

/// Characters that must not reach the terminal as they are: control characters could move
/// the cursor or inject escape sequences, and bidirectional overrides could make the shown
/// line read differently from what the compiler sees ("Trojan Source", CVE-2021-42574).
bool isUnprintable(char32_t c) {
  return c < 0x20 || (c >= 0x7F && c < 0xA0) || (c >= 0x202A && c <= 0x202E) ||
         (c >= 0x2066 && c <= 0x2069) || c == 0xFEFF;
}

std::string printable(std::string_view text) { return printableText(text); }

bool isZeroWidth(char32_t c) {
  return (c >= 0x0300 && c <= 0x036F) ||  // combining diacritical marks
         (c >= 0x1AB0 && c <= 0x1AFF) || (c >= 0x1DC0 && c <= 0x1DFF) || (c >= 0x20D0 && c <= 0x20FF) ||
         (c >= 0xFE00 && c <= 0xFE0F) ||  // variation selectors
         (c >= 0xFE20 && c <= 0xFE2F) || (c >= 0x200B && c <= 0x200D) || c == 0x2060;
}

/// East Asian Wide and Fullwidth ranges (after Markus Kuhn's wcwidth): CJK ideographs, kana,
/// Hangul, fullwidth forms and the common emoji blocks take two cells.
bool isWide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) || c == 0x2329 || c == 0x232A ||
         (c >= 0x2E80 && c <= 0xA4CF && c != 0x303F) || (c >= 0xAC00 && c <= 0xD7A3) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0xFE10 && c <= 0xFE19) || (c >= 0xFE30 && c <= 0xFE6F) ||
         (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6) || (c >= 0x1F300 && c <= 0x1F64F) ||
         (c >= 0x1F900 && c <= 0x1F9FF) || (c >= 0x20000 && c <= 0x2FFFD) || (c >= 0x30000 && c <= 0x3FFFD);
}

std::size_t cellWidth(char32_t c) {
  if (isZeroWidth(c)) return 0;
  return isWide(c) ? 2 : 1;
}

/// One source line as printed, and the cell at which each of its code points starts.
struct DisplayLine {
  std::string text;
  std::vector<std::size_t> starts;   // starts[i]: cell of code point i; starts.back(): width of the line
  std::vector<std::size_t> offsets;  // offsets[i]: byte of code point i in `text`; offsets.back(): text.size()
  /// A very long source line is decoded only in a slice around its marks: the column of the
  /// slice's first code point, and whether the line goes on before or after the slice.
  std::uint32_t firstColumn = 1;
  bool cutBefore = false;
  bool cutAfter = false;

  /// The cell of a 1-based code-point column. Columns past the end continue one cell each,
  /// so a span just after the last character (a missing `}`) still gets its caret; columns
  /// before a slice are at its first cell.
  [[nodiscard]] std::size_t cellOf(std::uint32_t column) const {
    const std::size_t index = column <= firstColumn ? 0 : column - firstColumn;
    const std::size_t characters = starts.size() - 1;
    if (index <= characters) return starts[index];
    return starts.back() + (index - characters);
  }
  [[nodiscard]] std::size_t width() const { return starts.back(); }
};

/// The bytes [from, to) of `line`, whose first code point is at `firstColumn`, as printed.
DisplayLine toDisplayLine(std::string_view line, std::size_t from, std::size_t to, std::uint32_t firstColumn) {
  DisplayLine display;
  display.firstColumn = firstColumn;
  display.cutBefore = from > 0;
  display.cutAfter = to < line.size();
  line = line.substr(0, to);
  std::size_t cell = 0;
  for (std::size_t at = from; at < line.size();) {
    const DecodedCodePoint decoded = decodeUtf8(line, at);
    display.starts.push_back(cell);
    display.offsets.push_back(display.text.size());
    if (decoded.value == '\t') {
      display.text.append(kTabWidth, ' ');
      cell += kTabWidth;
    } else if (isUnprintable(decoded.value) || decoded.value == kReplacementCharacter) {
      display.text += "\xEF\xBF\xBD";  // U+FFFD
      cell += 1;
    } else {
      display.text.append(line.substr(at, decoded.length));
      cell += cellWidth(decoded.value);
    }
    at += decoded.length;
  }
  display.starts.push_back(cell);
  display.offsets.push_back(display.text.size());
  return display;
}

/// Where code points start in the long source lines a render prints: every 256th is kept
/// for the line printed last, so a thousand diagnostics on one 64 MiB line read it once,
/// and each decodes only a slice around its own marks.
class LongLines {
 public:
  /// Lines up to this long are decoded whole.
  static constexpr std::size_t kLongLineBytes = 4096;

  /// The byte at which code point `index` (0-based) of `line` starts, or its size.
  std::size_t byteOf(FileId file, std::uint32_t lineNumber, std::string_view line, std::size_t index) {
    if (file != file_ || lineNumber != line_ || checkpoints_.empty()) scan(file, lineNumber, line);
    const std::size_t checkpoint = std::min(index / kEvery, checkpoints_.size() - 1);
    std::size_t at = checkpoints_[checkpoint];
    for (std::size_t skipped = checkpoint * kEvery; skipped < index && at < line.size(); ++skipped) {
      at += decodeUtf8(line, at).length;
    }
    return at;
  }

 private:
  static constexpr std::size_t kEvery = 256;

  void scan(FileId file, std::uint32_t lineNumber, std::string_view line) {
    file_ = file;
    line_ = lineNumber;
    checkpoints_.clear();
    std::size_t count = 0;
    for (std::size_t at = 0; at < line.size(); at += decodeUtf8(line, at).length, ++count) {
      if (count % kEvery == 0) checkpoints_.push_back(at);
    }
    if (checkpoints_.empty()) checkpoints_.push_back(0);
  }

  FileId file_ = 0;
  std::uint32_t line_ = 0;
  std::vector<std::size_t> checkpoints_;  // checkpoints_[k]: byte of code point k * kEvery
};

/// Lines longer than this many cells are cut to a window around the first mark on them,
/// so a generated one-line file does not print megabytes of source.
constexpr std::size_t kMaxShownCells = 120;
constexpr std::size_t kContextBeforeMark = 40;
constexpr std::string_view kElision = "...";

/// The part of a display line that is shown, in cells, and where it lands on screen.
struct LineWindow {
  std::size_t start = 0;  // first shown cell
  std::size_t end = 0;    // one past the last shown cell
  std::size_t shift = 0;  // screen cells before `start` (the leading "...")

  [[nodiscard]] std::size_t screenCell(std::size_t cell) const {
    return cell < start ? shift : cell - start + shift;
  }
};

/// Cuts `display` to a window containing `anchorCell`; returns the text to print.
std::string cropToWindow(const DisplayLine& display, std::size_t anchorCell, LineWindow& window) {
  window = LineWindow{0, display.width(), 0};
  const bool cut = display.cutBefore || display.cutAfter;
  if (display.width() <= kMaxShownCells && !cut) return display.text;
  std::size_t first = 0;
  std::size_t last = display.starts.size() - 1;
  if (display.width() > kMaxShownCells || cut) {  // a slice is windowed as its whole line would be
    window.start = anchorCell > kContextBeforeMark ? anchorCell - kContextBeforeMark : 0;
    window.end = std::min(display.width(), window.start + kMaxShownCells);
    while (first + 1 < display.starts.size() && display.starts[first] < window.start) ++first;
    last = first;
    while (last + 1 < display.starts.size() && display.starts[last + 1] <= window.end) ++last;
    window.start = display.starts[first];
    window.end = display.starts[last];
  }
  std::string text;
  if (window.start > 0 || display.cutBefore) {
    text += kElision;
    window.shift = kElision.size();
  }
  text += display.text.substr(display.offsets[first], display.offsets[last] - display.offsets[first]);
  if (window.end < display.width() || display.cutAfter) text += kElision;
  return text;
}

/// Code points decoded before a long line's anchor, and in all: enough for the window
/// (a code point takes at least one cell, unless it has no width).
constexpr std::size_t kSliceBefore = 2 * kContextBeforeMark;
constexpr std::size_t kSliceLength = kSliceBefore + 2 * kMaxShownCells;

// ---- Colour ---------------------------------------------------------------------------

/// The escape sequences of one output style; all empty when colour is off, so the printing
/// code is the same either way.
struct Palette {
  std::string_view reset, bold, error, warning, note, help, gutter;
};

constexpr Palette kPlain{};
constexpr Palette kAnsi{"\x1b[0m", "\x1b[1m", "\x1b[1;31m", "\x1b[1;33m", "\x1b[1;32m", "\x1b[1;36m", "\x1b[1;34m"};

std::string paint(std::string_view style, std::string_view text, const Palette& palette) {
  if (style.empty()) return std::string(text);
  return fmt::format("{}{}{}", style, text, palette.reset);
}

std::string_view severityStyle(Severity severity, const Palette& palette) {
  switch (severity) {
    case Severity::Note: return palette.note;
    case Severity::Warning: return palette.warning;
    case Severity::Error: return palette.error;
  }
  return palette.error;
}

// ---- One diagnostic -------------------------------------------------------------------

struct Annotation {
  SourceSpan span;
  std::string_view label;
  bool primary;
};

std::size_t digitCount(std::uint32_t number) { return fmt::formatted_size("{}", number); }

class DiagnosticPrinter {
 public:
  DiagnosticPrinter(std::string& out, const SourceManager& sources, const Palette& palette, LongLines& longLines)
      : out_(out), sources_(sources), palette_(palette), longLines_(longLines) {}

  void print(const Diagnostic& diagnostic) {
    collectAnnotations(diagnostic);
    printHeader(diagnostic);
    for (const FileId file : filesInDisplayOrder()) printSnippet(file, diagnostic);
    printNotesAndHelp(diagnostic);
  }

 private:
  [[nodiscard]] bool knownFile(FileId file) const { return file < sources_.size(); }
  [[nodiscard]] bool showable(const SourceSpan& span) const { return span.valid() && knownFile(span.file); }

  /// Splits the spans into those that can be shown in the source and labels that can't
  /// (a span without a line); the latter become notes rather than being lost.
  void collectAnnotations(const Diagnostic& diagnostic) {
    if (showable(diagnostic.primary)) {
      annotations_.push_back({diagnostic.primary, diagnostic.primaryLabel, true});
    } else if (!diagnostic.primaryLabel.empty()) {
      unplacedLabels_.push_back(diagnostic.primaryLabel);
    }
    for (const LabelledSpan& secondary : diagnostic.secondary) {
      if (showable(secondary.span)) {
        annotations_.push_back({secondary.span, secondary.label, false});
      } else if (!secondary.label.empty()) {
        unplacedLabels_.push_back(secondary.label);
      }
    }
    std::uint32_t widestLine = 1;
    for (const Annotation& annotation : annotations_) widestLine = std::max(widestLine, annotation.span.line);
    gutterWidth_ = digitCount(widestLine);
  }

  void printHeader(const Diagnostic& diagnostic) {
    const SourceSpan& where = diagnostic.primary;
    std::string location;
    if (showable(where)) {
      location = fmt::format("{}:{}:{}:", printable(sources_.file(where.file).path()), where.line, where.column);
    } else if (knownFile(where.file)) {
      location = fmt::format("{}:", printable(sources_.file(where.file).path()));
    }
    if (!location.empty()) out_ += paint(palette_.bold, location, palette_) + ' ';
    const std::string severityAndCode =
        fmt::format("{}[{}]", severityName(diagnostic.severity), diagnostic.code());
    out_ += paint(severityStyle(diagnostic.severity, palette_), severityAndCode, palette_);
    out_ += paint(palette_.bold, fmt::format(": {}", printable(diagnostic.message)), palette_);
    out_ += '\n';
  }

  /// The primary span's file first (its location is already in the header), then other files
  /// in the order their spans were given.
  [[nodiscard]] std::vector<FileId> filesInDisplayOrder() const {
    std::vector<FileId> files;
    for (const Annotation& annotation : annotations_) {
      if (std::find(files.begin(), files.end(), annotation.span.file) == files.end()) {
        files.push_back(annotation.span.file);
      }
    }
    return files;
  }

  void printSnippet(FileId file, const Diagnostic& diagnostic) {
    std::vector<Annotation> inFile;
    for (const Annotation& annotation : annotations_) {
      if (annotation.span.file == file) inFile.push_back(annotation);
    }
    // Top to bottom like the file reads; stable, so the primary stays first on its line.
    std::stable_sort(inFile.begin(), inFile.end(),
                     [](const Annotation& a, const Annotation& b) { return a.span.line < b.span.line; });

    const SourceFile& source = sources_.file(file);
    const bool headerNamesThisFile = showable(diagnostic.primary) && diagnostic.primary.file == file;
    if (!headerNamesThisFile) {
      const SourceSpan& first = inFile.front().span;
      out_ += fmt::format("{:{}}{} {}:{}:{}\n", "", gutterWidth_, paint(palette_.gutter, "-->", palette_),
                          printable(source.path()), first.line, first.column);
    }
    printEmptyGutter();

    std::uint32_t lastShownLine = 0;
    DisplayLine display;
    for (const Annotation& annotation : inFile) {
      const std::uint32_t line = annotation.span.line;
      if (line != lastShownLine) {
        if (lastShownLine != 0 && line > lastShownLine + 1) out_ += paint(palette_.gutter, "...", palette_) + '\n';
        display = displayLine(file, line, source.line(line), annotation.span.column);
        printSourceLine(line, cropToWindow(display, display.cellOf(annotation.span.column), window_));
        lastShownLine = line;
      }
      printUnderline(annotation, display, diagnostic.severity);
    }
  }

  /// The whole line, or for a very long one the slice around `anchorColumn`.
  DisplayLine displayLine(FileId file, std::uint32_t line, std::string_view text, std::uint32_t anchorColumn) {
    if (text.size() <= LongLines::kLongLineBytes) return toDisplayLine(text, 0, text.size(), 1);
    const std::size_t anchor = anchorColumn == 0 ? 0 : anchorColumn - 1;
    const std::size_t first = anchor > kSliceBefore ? anchor - kSliceBefore : 0;
    const std::size_t from = longLines_.byteOf(file, line, text, first);
    const std::size_t to = longLines_.byteOf(file, line, text, first + kSliceLength);
    return toDisplayLine(text, from, to, static_cast<std::uint32_t>(first + 1));
  }

  void printEmptyGutter() { out_ += fmt::format("{:{}} {}\n", "", gutterWidth_, paint(palette_.gutter, "|", palette_)); }

  void printSourceLine(std::uint32_t line, std::string_view text) {
    const std::string gutter = paint(palette_.gutter, fmt::format("{:>{}} |", line, gutterWidth_), palette_);
    out_ += text.empty() ? fmt::format("{}\n", gutter) : fmt::format("{} {}\n", gutter, text);
  }

  /// `^^^` under the primary span, `---` under a secondary one, covering the span on its
  /// first line (to the end of that line when the span goes on) and always at least one mark.
  void printUnderline(const Annotation& annotation, const DisplayLine& display, Severity severity) {
    const SourceSpan& span = annotation.span;
    const std::size_t start = display.cellOf(span.column);
    std::size_t end = start;
    if (span.endLine == span.line) {
      end = display.cellOf(span.endColumn);
    } else if (span.endLine > span.line) {
      end = display.width();
    }
    // Marks past the shown window are cut with it; a span starting before it is marked from its edge.
    const std::size_t shownEnd = std::min(end, std::max(window_.end, start + 1));
    const std::size_t screenStart = window_.screenCell(start);
    const std::size_t length =
        shownEnd > start ? std::max<std::size_t>(1, window_.screenCell(shownEnd) - screenStart) : 1;

    const std::string_view style = annotation.primary ? severityStyle(severity, palette_) : palette_.gutter;
    std::string marks(length, annotation.primary ? '^' : '-');
    if (!annotation.label.empty()) marks += fmt::format(" {}", printable(annotation.label));
    out_ += fmt::format("{:{}} {} {:{}}{}\n", "", gutterWidth_, paint(palette_.gutter, "|", palette_), "",
                        screenStart, paint(style, marks, palette_));
  }

  void printNotesAndHelp(const Diagnostic& diagnostic) {
    const bool hasTrailer = !unplacedLabels_.empty() || !diagnostic.notes.empty() || diagnostic.help.has_value();
    if (!hasTrailer) return;
    if (!annotations_.empty()) printEmptyGutter();
    for (const std::string_view label : unplacedLabels_) printTrailerLine("note", label);
    for (const std::string& note : diagnostic.notes) printTrailerLine("note", note);
    if (diagnostic.help) printTrailerLine("help", *diagnostic.help);
  }

  void printTrailerLine(std::string_view kind, std::string_view text) {
    out_ += fmt::format("{:{}} {} {}: {}\n", "", gutterWidth_, paint(palette_.gutter, "=", palette_),
                        paint(palette_.bold, kind, palette_), printable(text));
  }

  std::string& out_;
  const SourceManager& sources_;
  const Palette& palette_;
  std::vector<Annotation> annotations_;
  std::vector<std::string_view> unplacedLabels_;
  std::size_t gutterWidth_ = 1;
  LineWindow window_;  // of the source line printed last
  LongLines& longLines_;
};

// ---- Summary --------------------------------------------------------------------------

std::string countOf(std::size_t count, std::string_view noun) {
  return fmt::format("{} {}{}", count, noun, count == 1 ? "" : "s");
}

/// `error: 2 errors and 1 warning emitted`, led by the most severe kind present.
std::string summaryLine(const std::vector<Diagnostic>& diagnostics, const Palette& palette) {
  std::size_t errors = 0, warnings = 0, notes = 0;
  for (const Diagnostic& diagnostic : diagnostics) {
    switch (diagnostic.severity) {
      case Severity::Error: ++errors; break;
      case Severity::Warning: ++warnings; break;
      case Severity::Note: ++notes; break;
    }
  }
  std::vector<std::string> parts;
  if (errors > 0) parts.push_back(countOf(errors, "error"));
  if (warnings > 0) parts.push_back(countOf(warnings, "warning"));
  if (notes > 0) parts.push_back(countOf(notes, "note"));

  std::string counts = parts.front();
  for (std::size_t i = 1; i < parts.size(); ++i) counts += (i + 1 == parts.size() ? " and " : ", ") + parts[i];

  const Severity worst = errors > 0 ? Severity::Error : warnings > 0 ? Severity::Warning : Severity::Note;
  return fmt::format("{}{}\n", paint(severityStyle(worst, palette), severityName(worst), palette),
                     paint(palette.bold, fmt::format(": {} emitted", counts), palette));
}

}  // namespace

std::string printableText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t at = 0; at < text.size();) {
    const DecodedCodePoint decoded = decodeUtf8(text, at);
    if (isUnprintable(decoded.value) || decoded.value == kReplacementCharacter) {
      out += "\xEF\xBF\xBD";
    } else {
      out.append(text.substr(at, decoded.length));
    }
    at += decoded.length;
  }
  return out;
}

std::string renderText(const std::vector<Diagnostic>& diagnostics, const SourceManager& sources,
                       const TextRenderOptions& options) {
  const Palette& palette = options.color ? kAnsi : kPlain;
  std::string out;
  LongLines longLines;
  for (const Diagnostic& diagnostic : diagnostics) {
    DiagnosticPrinter(out, sources, palette, longLines).print(diagnostic);
    out += '\n';  // a blank line between diagnostics, as rustc does
  }
  if (!diagnostics.empty()) out += summaryLine(diagnostics, palette);
  return out;
}

}  // namespace approval
