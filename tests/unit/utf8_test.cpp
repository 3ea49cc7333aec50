// approval/utf8.h: the UTF-8 checks every text from outside goes through, and the excerpts
// messages quote long texts by.
#include <doctest/doctest.h>

#include <string>

#include "approval/utf8.h"

using namespace approval;

TEST_CASE("utf8: sequences are measured, and invalid ones are 0") {
  CHECK(utf8SequenceLength("a", 0) == 1);
  CHECK(utf8SequenceLength("é", 0) == 2);
  CHECK(utf8SequenceLength("草", 0) == 3);
  CHECK(utf8SequenceLength("😀", 0) == 4);
  CHECK(utf8SequenceLength("\xc3", 0) == 0);          // truncated
  CHECK(utf8SequenceLength("\xc0\xaf", 0) == 0);      // overlong
  CHECK(utf8SequenceLength("\xed\xa0\x80", 0) == 0);  // a surrogate
  CHECK(utf8CodePoint("草", 0, 3) == U'草');
  CHECK(isValidUtf8("草稿 ok"));
  CHECK_FALSE(isValidUtf8("ab\xff"));
}

TEST_CASE("utf8: a prefix ends at a sequence boundary, never inside a character") {
  const std::string text = "ab草稿";  // 2 + 3 + 3 bytes
  CHECK(utf8Prefix(text, 100) == text);
  CHECK(utf8Prefix(text, 8) == text);
  CHECK(utf8Prefix(text, 7) == "ab草");
  CHECK(utf8Prefix(text, 5) == "ab草");
  CHECK(utf8Prefix(text, 4) == "ab");
  CHECK(utf8Prefix(text, 2) == "ab");
  CHECK(utf8Prefix(text, 0).empty());
  CHECK(utf8Prefix("草", 2).empty());
}

TEST_CASE("utf8: a message quotes a long text as its start and its length") {
  CHECK(excerptForMessage("short") == "short");
  const std::string exact(kMessageExcerptBytes, 'x');
  CHECK(excerptForMessage(exact) == exact);
  const std::string megabyte(1'000'000, 'k');
  const std::string excerpt = excerptForMessage(megabyte);
  CHECK(excerpt == std::string(kMessageExcerptBytes, 'k') + "… (1000000 bytes)");
  CHECK(isValidUtf8(excerptForMessage(std::string(95, 'a') + "草稿")));
  CHECK(excerptForMessage(std::string(95, 'a') + "草稿") == std::string(95, 'a') + "… (101 bytes)");
  CHECK(excerptForMessage("abcdef", 3) == "abc… (6 bytes)");
}
