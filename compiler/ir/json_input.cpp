#include "approval/json_input.h"

#include <string>

namespace approval {

std::string jsonErrorMessage(const std::exception& error) {
  std::string message = error.what();
  if (!message.empty() && message.front() == '[') {
    const auto close = message.find("] ");
    if (close != std::string::npos) message.erase(0, close + 2);
  }
  return message;
}

Result<nlohmann::json> parseJsonInput(std::string_view text, int maxNesting) {
  // nlohmann's parser ends the input at a NUL byte, so `{...}\0garbage` read as `{...}`.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return Error{"a NUL byte at offset " + std::to_string(nul) + ": JSON text cannot hold one (in a string, write \\u0000)"};
  }
  int deepest = 0;
  // A value deeper than the limit is dropped as it is read (the callback's false), so no
  // deep tree is ever built; the document is then refused as a whole.
  auto limitDepth = [&](int depth, nlohmann::json::parse_event_t, nlohmann::json&) {
    if (depth > deepest) deepest = depth;
    return depth <= maxNesting;
  };
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text, limitDepth);
  } catch (const nlohmann::json::exception& error) {
    return Error{jsonErrorMessage(error)};
  }
  if (deepest > maxNesting) {
    return Error{"arrays and objects nest deeper than " + std::to_string(maxNesting) + " levels"};
  }
  return document;
}

}  // namespace approval
