// A machine's content hash: instances are pinned to it, so it must change with anything that
// changes behaviour and with nothing else: not spans (reformatting a file), not the path the
// file was loaded from, and of course not the hash itself.
#include <array>
#include <memory>
#include <string>

#include <fmt/format.h>
#include <openssl/evp.h>

#include "approval/ir_json.h"
#include "approval/lower.h"

namespace approval {
namespace {

/// The canonical text that is hashed: nlohmann::json keeps object keys sorted, so dump() of
/// the same IR is always the same bytes.
std::string canonicalText(const ir::Machine& machine) {
  ir::Machine content = machine;
  content.sourcePath.clear();
  content.contentHash.clear();
  const IrJsonOptions contentOnly{.includeSpans = false, .includeHash = false};
  // The writer emits valid UTF-8 only; `replace` is a second guarantee that dump cannot throw.
  return toJson(content, contentOnly)
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string sha256Hex(const std::string& bytes) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  const std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(),
                                                                        &EVP_MD_CTX_free);
  const bool ok = context != nullptr &&
                  EVP_DigestInit_ex(context.get(), EVP_sha256(), nullptr) == 1 &&
                  EVP_DigestUpdate(context.get(), bytes.data(), bytes.size()) == 1 &&
                  EVP_DigestFinal_ex(context.get(), digest.data(), &length) == 1;
  if (!ok) return {};  // only on allocation failure inside OpenSSL; callers see an empty hash
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) hex += fmt::format("{:02x}", digest[i]);
  return hex;
}

}  // namespace

std::string computeContentHash(const ir::Machine& machine) {
  const std::string hex = sha256Hex(canonicalText(machine));
  return hex.empty() ? std::string() : "sha256:" + hex;
}

}  // namespace approval
