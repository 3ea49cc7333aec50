#include "approval/json_input.h"

#include <optional>
#include <set>
#include <string>
#include <vector>

#include "approval/utf8.h"

namespace approval {

std::string jsonErrorMessage(const std::exception& error) {
  std::string message = error.what();
  if (!message.empty() && message.front() == '[') {
    const auto close = message.find("] ");
    if (close != std::string::npos) message.erase(0, close + 2);
  }
  // nlohmann quotes the whole token it stopped in: a megabyte of an unterminated string.
  constexpr std::string_view kLastRead = "; last read: '";
  if (const auto at = message.find(kLastRead); at != std::string::npos && message.back() == '\'') {
    const std::size_t from = at + kLastRead.size();
    const std::string_view token = std::string_view(message).substr(from, message.size() - from - 1);
    if (token.size() > kMessageExcerptBytes) message = message.substr(0, from) + excerptForMessage(token) + "'";
  }
  return message;
}

Result<nlohmann::json> parseJsonInput(std::string_view text, int maxNesting, std::size_t maxValues) {
  // nlohmann's parser ends the input at a NUL byte, so `{...}\0garbage` read as `{...}`.
  if (const auto nul = text.find('\0'); nul != std::string_view::npos) {
    return Error{"a NUL byte at offset " + std::to_string(nul) + ": JSON text cannot hold one (in a string, write \\u0000)"};
  }
  int deepest = 0;
  // Keys seen in each open object, by depth: nlohmann keeps the last of two equal keys, and
  // the first one's value would be dropped without a word.
  std::vector<std::set<std::string, std::less<>>> keysAt;
  std::optional<std::string> repeatedKey;
  // A value deeper than the limit is dropped as it is read (the callback's false), so no
  // deep tree is ever built; the document is then refused as a whole.
  std::size_t values = 0;
  auto check = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    if (depth > deepest) deepest = depth;
    if (depth > maxNesting) return false;
    const bool startsValue = event == nlohmann::json::parse_event_t::value ||
                             event == nlohmann::json::parse_event_t::object_start ||
                             event == nlohmann::json::parse_event_t::array_start;
    if (startsValue && ++values > maxValues) return false;
    const auto slot = static_cast<std::size_t>(depth) + (event == nlohmann::json::parse_event_t::object_start ? 1 : 0);
    if (event == nlohmann::json::parse_event_t::object_start) {
      if (keysAt.size() <= slot) keysAt.resize(slot + 1);
      keysAt[slot].clear();
    } else if (event == nlohmann::json::parse_event_t::key && slot < keysAt.size() && !repeatedKey) {
      const auto& key = parsed.get_ref<const std::string&>();
      if (!keysAt[slot].insert(key).second) repeatedKey = key;
    }
    return true;
  };
  nlohmann::json document;
  try {
    document = nlohmann::json::parse(text, check);
  } catch (const nlohmann::json::exception& error) {
    return Error{jsonErrorMessage(error)};
  }
  if (deepest > maxNesting) {
    return Error{"arrays and objects nest deeper than " + std::to_string(maxNesting) + " levels"};
  }
  if (values > maxValues) {
    return Error{"it holds more than " + std::to_string(maxValues) +
                 " values (list elements, map entries and fields count): instance data is kept small; keep large "
                 "data in the host and pass a key"};
  }
  if (repeatedKey) {
    return Error{"the key " + excerptForMessage(nlohmann::json(*repeatedKey).dump()) +
                 " appears twice in one object: give each key once (JSON readers differ on which one wins)"};
  }
  return document;
}

}  // namespace approval
