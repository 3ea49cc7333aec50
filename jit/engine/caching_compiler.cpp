#include "engine/caching_compiler.h"

#include <cstring>
#include <optional>
#include <string>
#include <string_view>

#include <llvm/ExecutionEngine/Orc/CompileUtils.h>
#include <llvm/Support/MemoryBuffer.h>

#include "engine/fnv1a.h"
#include "engine/optimize.h"

namespace approval::jit {

namespace {

// Cached objects end with a trailer (magic and an FNV-1a hash of the object), so a
// truncated or damaged cache entry is a miss rather than garbage handed to the linker.
constexpr std::string_view kTrailerMagic = "APRVOBJ1";
constexpr std::size_t kTrailerSize = kTrailerMagic.size() + sizeof(std::uint64_t);

std::string withTrailer(std::string_view object) {
  std::string stored(object);
  stored += kTrailerMagic;
  const std::uint64_t hash = fnv1a(object);
  stored.append(reinterpret_cast<const char*>(&hash), sizeof hash);
  return stored;
}

/// The object inside a cache entry, or nothing when the entry is damaged.
std::optional<std::string_view> verifiedObject(std::string_view stored) {
  if (stored.size() <= kTrailerSize) return std::nullopt;
  const auto object = stored.substr(0, stored.size() - kTrailerSize);
  if (stored.substr(object.size(), kTrailerMagic.size()) != kTrailerMagic) return std::nullopt;
  std::uint64_t hash = 0;
  std::memcpy(&hash, stored.data() + stored.size() - sizeof hash, sizeof hash);
  if (hash != fnv1a(object)) return std::nullopt;
  return object;
}

}  // namespace

CachingCompiler::CachingCompiler(std::unique_ptr<llvm::TargetMachine> target, unsigned level, ObjectCache* cache,
                                 bool* fromCache)
    : IRCompiler(llvm::orc::irManglingOptionsFromTargetOptions(target->Options)),
      target_(std::move(target)),
      level_(level),
      cache_(cache),
      fromCache_(fromCache) {}

llvm::Expected<std::unique_ptr<llvm::MemoryBuffer>> CachingCompiler::operator()(llvm::Module& module) {
  const std::string key = module.getModuleIdentifier();
  if (cache_ != nullptr) {
    if (auto stored = cache_->load(key)) {
      if (auto object = verifiedObject(*stored)) {
        *fromCache_ = true;
        return llvm::MemoryBuffer::getMemBufferCopy(*object, key);
      }
    }
  }
  optimizeModule(module, *target_, level_);
  // FastISel with the optimising register allocator: about a quarter less compile time than
  // SelectionDAG for this call-heavy code, and the same code for the native fast paths.
  if (level_ > 0) target_->setFastISel(true);
  llvm::orc::SimpleCompiler compile(*target_);
  auto object = compile(module);
  if (object && cache_ != nullptr) {
    cache_->store(key, withTrailer(std::string_view((*object)->getBufferStart(), (*object)->getBufferSize())));
  }
  return object;
}

}  // namespace approval::jit
