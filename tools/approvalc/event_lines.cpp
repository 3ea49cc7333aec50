#include "event_lines.h"

#include <array>
#include <limits>

#include "approval/json_input.h"

namespace approval::driver {

namespace {

constexpr std::size_t kMaxSize = std::numeric_limits<std::size_t>::max();

constexpr std::array<std::string_view, 5> kEventKeys{"id", "name", "actor", "time", "payload"};

std::string eventKeysText() {
  std::string text;
  for (std::string_view key : kEventKeys) text += std::string(text.empty() ? "" : ", ") + std::string(key);
  return text;
}

ReadLine readAdvance(const nlohmann::json& json) {
  for (const auto& [key, value] : json.items()) {
    if (key != "advance") {
      return BadLine{"a clock line has only \"advance\"; `" + key + "` belongs on an event line of its own"};
    }
  }
  const nlohmann::json& advance = json["advance"];
  if (!advance.is_string()) return BadLine{"\"advance\" takes a duration string such as \"48h\""};
  auto by = runtime::parseDurationText(advance.get<std::string>());
  if (!by) return BadLine{by.error().message};
  if (by.value().nanoseconds < 0) return BadLine{"time only moves forward: \"advance\" takes a duration of 0 or more"};
  return ClockAdvance{by.value(), advance.get<std::string>()};
}

/// The string at `key`, or `fallback` when the line does not have it.
std::variant<std::string, BadLine> stringField(const nlohmann::json& json, const char* key, std::string fallback) {
  auto found = json.find(key);
  if (found == json.end()) return fallback;
  if (!found->is_string()) {
    const std::string shown = found->is_null() ? "null" : std::string(found->type_name()) + " " + found->dump();
    return BadLine{std::string("\"") + key + "\" must be a string, not " + shown};
  }
  return found->get<std::string>();
}

}  // namespace

LineRead nextLine(std::istream& in, std::string& line, std::size_t maxBytes) {
  line.clear();
  std::streambuf* buffer = in.rdbuf();
  const std::size_t giveUpAfter = maxBytes > kMaxSize / 2 ? kMaxSize : 2 * maxBytes;
  std::size_t read = 0;
  for (int c = buffer->sbumpc(); c != std::char_traits<char>::eof(); c = buffer->sbumpc()) {
    if (c == '\n') return read > maxBytes ? LineRead::TooLong : LineRead::Line;
    ++read;
    if (read <= maxBytes) {
      line.push_back(static_cast<char>(c));
    } else if (read > giveUpAfter) {
      return LineRead::Endless;
    }
  }
  if (read > maxBytes) return LineRead::TooLong;
  return read > 0 ? LineRead::Line : LineRead::End;
}

ReadLine readEventLine(std::string_view text, std::size_t lineNumber) {
  auto parsed = parseJsonInput(text, kMaxJsonNesting, kMaxInstanceDataValues);
  if (!parsed) return BadLine{"not valid JSON: " + parsed.error().message};
  nlohmann::json& json = parsed.value();
  if (!json.is_object()) return BadLine{"each line must be a JSON object: an event or {\"advance\": \"48h\"}"};
  if (json.contains("advance")) return readAdvance(json);
  for (const auto& [key, value] : json.items()) {
    if (std::find(kEventKeys.begin(), kEventKeys.end(), key) == kEventKeys.end()) {
      return BadLine{"unknown key `" + key + "`: an event line takes " + eventKeysText() +
                     ", a clock line only \"advance\""};
    }
  }
  if (!json.contains("name") || !json["name"].is_string()) {
    return BadLine{"an event needs \"name\" (a string); to move the clock write {\"advance\": \"48h\"}"};
  }
  EventLine line;
  line.event.name = json["name"].get<std::string>();
  auto id = stringField(json, "id", "line-" + std::to_string(lineNumber));
  if (auto* bad = std::get_if<BadLine>(&id)) return *bad;
  line.event.id = std::get<std::string>(std::move(id));
  auto actor = stringField(json, "actor", "anonymous");
  if (auto* bad = std::get_if<BadLine>(&actor)) return *bad;
  line.event.actor = std::get<std::string>(std::move(actor));
  if (json.contains("time")) {
    if (!json["time"].is_string()) return BadLine{"\"time\" must be an RFC 3339 string"};
    line.timeText = json["time"].get<std::string>();
    auto time = runtime::parseTimestampText(line.timeText);
    if (!time) return BadLine{time.error().message};
    line.event.time = time.value();
  }
  if (json.contains("payload")) {
    if (!json["payload"].is_object()) return BadLine{"\"payload\" must be a JSON object of the event's fields"};
    line.payload = std::move(json["payload"]);
  }
  return line;
}

}  // namespace approval::driver
