#include "flow_generator.h"

#include <algorithm>
#include <vector>

namespace approval::bench::runtime {

std::string GenSpec::name() const {
  return "gen-" + std::to_string(states) + "x" + std::to_string(events) + "-f" + std::to_string(fanout) +
         (guarded ? "-guarded" : "") + (payload ? "-payload" : "");
}

std::string generateDsl(const GenSpec& spec) {
  std::string out = "state machine \"" + spec.name() + "\" {\n";
  if (spec.guarded) out += "  context { amount: int = " + std::to_string(kDefaultAmount) + " }\n";
  if (spec.payload) {
    out += "  events {";
    for (int e = 0; e < spec.events; ++e) out += " \"E" + std::to_string(e) + "\" { n: int }";
    out += " }\n";
  }
  out += "  initial: S0\n  states: [";
  for (int s = 0; s < spec.states; ++s) out += (s == 0 ? "S" : ", S") + std::to_string(s);
  out += "]\n  transitions {\n";
  for (int s = 0; s < spec.states; ++s) {
    for (int j = 0; j < spec.fanout; ++j) {
      const int e = spec.acceptedEvent(s, j);
      out += "    S" + std::to_string(s) + " → S" + std::to_string(spec.target(s, e)) + " on \"E" + std::to_string(e) +
             "\"";
      if (spec.guarded) out += " if amount > " + std::to_string(spec.threshold(s, e));
      out += "\n";
    }
  }
  out += "  }\n}\n";
  return out;
}

std::string generateSwitch(const GenSpec& spec, const std::string& function) {
  std::string out = "int " + function + "(SwitchInstance& m, int event) {\n  switch (m.state) {\n";
  for (int s = 0; s < spec.states; ++s) {
    std::vector<int> accepted;
    for (int j = 0; j < spec.fanout; ++j) accepted.push_back(spec.acceptedEvent(s, j));
    std::sort(accepted.begin(), accepted.end());
    out += "    case " + std::to_string(s) + ":\n      switch (event) {\n";
    for (const int e : accepted) {
      const std::string to = std::to_string(spec.target(s, e));
      out += "        case " + std::to_string(e) + ": ";
      if (spec.guarded) {
        out += "if (m.amount > " + std::to_string(spec.threshold(s, e)) + ") { m.state = " + to +
               "; return 1; } return 2;\n";
      } else {
        out += "m.state = " + to + "; return 1;\n";
      }
    }
    out += "        default: return 0;\n      }\n";
  }
  out += "  }\n  return 0;\n}\n";
  return out;
}

std::string generateMsmTable(const GenSpec& spec, const std::string& prefix) {
  std::vector<std::string> rows;
  for (int s = 0; s < spec.states; ++s) {
    for (int j = 0; j < spec.fanout; ++j) {
      const int e = spec.acceptedEvent(s, j);
      std::string row = "Row<S<" + std::to_string(s) + ">, E<" + std::to_string(e) + ">, S<" +
                        std::to_string(spec.target(s, e)) + ">, none, ";
      row += spec.guarded ? "AmountAbove<" + std::to_string(spec.threshold(s, e)) + ">>" : "none>";
      rows.push_back(std::move(row));
    }
  }
  // Chunks of at most 50 rows (mpl::vector50), appended one after the other with mpl::copy.
  std::string out;
  std::size_t chunk = 0;
  for (std::size_t first = 0; first < rows.size(); first += 50, ++chunk) {
    const std::size_t count = std::min<std::size_t>(50, rows.size() - first);
    const std::string name = prefix + "_chunk" + std::to_string(chunk);
    out += "typedef boost::mpl::vector" + std::to_string(count) + "<\n";
    for (std::size_t i = 0; i < count; ++i) out += "    " + rows[first + i] + (i + 1 < count ? ",\n" : ">\n");
    out += "    " + name + "_rows;\n";
    if (chunk == 0) {
      out += "typedef " + name + "_rows " + name + ";\n";
    } else {
      out += "typedef boost::mpl::copy<" + name + "_rows, boost::mpl::back_inserter<" + prefix + "_chunk" +
             std::to_string(chunk - 1) + ">>::type " + name + ";\n";
    }
  }
  out += "typedef " + prefix + "_chunk" + std::to_string(chunk - 1) + " transition_table;\n";
  return out;
}

}  // namespace approval::bench::runtime
