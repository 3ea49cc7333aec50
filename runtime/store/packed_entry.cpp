#include "store/packed_entry.h"

#include <cstdint>
#include <cstring>
#include <iterator>

namespace approval::runtime {

namespace {

constexpr std::size_t kFixedBytes = sizeof(std::int64_t);  // the time

/// Answers the engine writes, packed as their index in one byte; any other text follows a
/// kOtherAnswer byte.
constexpr std::string_view kAnswers[] = {"Duplicate", "Rejected", "Stayed", "Transitioned", "Failed"};
constexpr unsigned char kOtherAnswer = 0xFF;

unsigned char answerCode(std::string_view answer) {
  for (unsigned char code = 0; code < std::size(kAnswers); ++code) {
    if (kAnswers[code] == answer) return code;
  }
  return kOtherAnswer;
}

/// Votes are small and never negative from the engine, but any int64 round-trips (zigzag).
std::size_t zigzag(std::int64_t value) {
  return (static_cast<std::size_t>(value) << 1) ^ static_cast<std::size_t>(value >> 63);
}
std::int64_t unzigzag(std::size_t value) {
  return static_cast<std::int64_t>(value >> 1) ^ -static_cast<std::int64_t>(value & 1);
}

std::size_t varintSize(std::size_t value) {
  std::size_t size = 1;
  for (; value >= 0x80; value >>= 7) ++size;
  return size;
}

/// The writers put their value at `out` and return the byte after it.
char* putVarintAt(std::size_t value, char* out) {
  for (; value >= 0x80; value >>= 7) *out++ = static_cast<char>((value & 0x7F) | 0x80);
  *out++ = static_cast<char>(value);
  return out;
}

char* putTextAt(std::string_view text, char* out) {
  out = putVarintAt(text.size(), out);
  if (!text.empty()) std::memcpy(out, text.data(), text.size());
  return out + text.size();
}

char* putIntAt(std::int64_t value, char* out) {
  std::memcpy(out, &value, sizeof value);
  return out + sizeof value;
}

char* putListAt(const std::vector<std::string>& texts, char* out) {
  out = putVarintAt(texts.size(), out);
  for (const auto& text : texts) out = putTextAt(text, out);
  return out;
}

std::size_t textSize(std::string_view text) { return varintSize(text.size()) + text.size(); }

std::size_t listSize(const std::vector<std::string>& texts) {
  std::size_t size = varintSize(texts.size());
  for (const auto& text : texts) size += textSize(text);
  return size;
}

/// Reads what `packEntry` wrote, front to back (the bytes are the journal's own: trusted).
class Reader {
 public:
  explicit Reader(std::string_view bytes) : bytes_(bytes) {}

  std::int64_t integer() {
    std::int64_t value = 0;
    std::memcpy(&value, bytes_.data() + at_, sizeof value);
    at_ += sizeof value;
    return value;
  }
  unsigned char byte() { return static_cast<unsigned char>(bytes_[at_++]); }
  std::size_t varint() {
    std::size_t value = 0;
    for (int shift = 0;; shift += 7) {
      const auto byte = static_cast<unsigned char>(bytes_[at_++]);
      value |= static_cast<std::size_t>(byte & 0x7F) << shift;
      if (byte < 0x80) return value;
    }
  }
  std::string_view text() {
    const std::size_t size = varint();
    const std::string_view text = bytes_.substr(at_, size);
    at_ += size;
    return text;
  }
  std::vector<std::string> list() {
    std::vector<std::string> texts(varint());
    for (auto& text : texts) text = this->text();
    return texts;
  }

 private:
  std::string_view bytes_;
  std::size_t at_ = 0;
};

}  // namespace

void packEntry(const JournalEntry& entry, char* out) {
  out = putIntAt(entry.time.nanoseconds, out);
  for (std::string_view text : {std::string_view(entry.eventId), std::string_view(entry.event),
                                std::string_view(entry.actor)}) {
    out = putTextAt(text, out);
  }
  out = putVarintAt(zigzag(entry.votes), out);
  const unsigned char code = answerCode(entry.answer);
  *out++ = static_cast<char>(code);
  if (code == kOtherAnswer) out = putTextAt(entry.answer, out);
  out = putTextAt(entry.detail, out);
  out = putListAt(entry.guards, out);
  out = putListAt(entry.actions, out);
  putListAt(entry.emitted, out);
}

std::size_t packedSize(const JournalEntry& entry) {
  const bool otherAnswer = answerCode(entry.answer) == kOtherAnswer;
  return kFixedBytes + textSize(entry.eventId) + textSize(entry.event) + textSize(entry.actor) +
         varintSize(zigzag(entry.votes)) + 1 + (otherAnswer ? textSize(entry.answer) : 0) + textSize(entry.detail) +
         listSize(entry.guards) + listSize(entry.actions) + listSize(entry.emitted);
}

JournalEntry unpackEntry(std::string_view bytes) {
  Reader reader(bytes);
  JournalEntry entry;
  entry.time = TimestampValue{reader.integer()};
  entry.eventId = reader.text();
  entry.event = reader.text();
  entry.actor = reader.text();
  entry.votes = unzigzag(reader.varint());
  const auto code = reader.byte();
  entry.answer = code == kOtherAnswer ? reader.text() : kAnswers[code];
  entry.detail = reader.text();
  entry.guards = reader.list();
  entry.actions = reader.list();
  entry.emitted = reader.list();
  return entry;
}

std::string_view packedEventId(std::string_view bytes) {
  Reader reader(bytes.substr(kFixedBytes));
  return reader.text();
}

std::size_t directTextsSize(const DirectTexts& texts) {
  return textSize(texts.eventId) + textSize(texts.actor) + varintSize(texts.votes);
}

void packDirectTexts(const DirectTexts& texts, char* out) {
  putVarintAt(texts.votes, putTextAt(texts.actor, putTextAt(texts.eventId, out)));
}

DirectTexts unpackDirectTexts(std::string_view bytes) {
  Reader reader(bytes);
  DirectTexts texts;
  texts.eventId = reader.text();
  texts.actor = reader.text();
  texts.votes = reader.varint();
  return texts;
}

std::size_t unchangedTextsSize(const UnchangedTexts& texts) {
  return textSize(texts.eventId) + textSize(texts.event) + textSize(texts.actor) + textSize(texts.reason);
}

void packUnchangedTexts(const UnchangedTexts& texts, char* out) {
  putTextAt(texts.reason, putTextAt(texts.actor, putTextAt(texts.event, putTextAt(texts.eventId, out))));
}

UnchangedTexts unpackUnchangedTexts(std::string_view bytes) {
  Reader reader(bytes);
  UnchangedTexts texts;
  texts.eventId = reader.text();
  texts.event = reader.text();
  texts.actor = reader.text();
  texts.reason = reader.text();
  return texts;
}

}  // namespace approval::runtime
