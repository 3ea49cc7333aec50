#include "engine/near_code_memory.h"

#include <sys/mman.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>

#include <llvm/ExecutionEngine/Orc/RTDyldObjectLinkingLayer.h>
#include <llvm/ExecutionEngine/SectionMemoryManager.h>
#include <llvm/Support/Memory.h>

#include "runtime/helpers.h"

namespace approval::jit {

namespace {

constexpr std::uintptr_t kGigabyte = std::uintptr_t{1} << 30;

/// The window generated code is placed in: the gigabyte below the one the runtime helpers
/// are in. Position-independent executables sit well above 4 GiB with the heap above them,
/// so the space just below is normally unused; every address in it is within reach of a
/// 32-bit displacement from the helpers.
/// Zero: no window (the helpers lie in the lowest gigabyte).
std::uintptr_t windowStart() {
  static const std::uintptr_t start = [] {
    const auto helpers = reinterpret_cast<std::uintptr_t>(runtimeHelpers().front().address);
    const std::uintptr_t gigabyte = helpers & ~(kGigabyte - 1);
    return gigabyte >= kGigabyte ? gigabyte - kGigabyte : std::uintptr_t{0};
  }();
  return start;
}

int protectionOf(unsigned flags) {
  int protection = PROT_NONE;
  if ((flags & llvm::sys::Memory::MF_READ) != 0) protection |= PROT_READ;
  if ((flags & llvm::sys::Memory::MF_WRITE) != 0) protection |= PROT_WRITE;
  if ((flags & llvm::sys::Memory::MF_EXEC) != 0) protection |= PROT_EXEC;
  return protection;
}

/// Pages in the window, taken in order from a shared cursor. An address already in use
/// (MAP_FIXED_NOREPLACE refuses it, or an older kernel ignores the flag and maps elsewhere)
/// moves the cursor on; after a bounded number of tries, or outside Linux, the pages go
/// wherever mmap puts them, which only costs speed.
void* mapNear(std::size_t bytes, int protection) {
#if defined(__linux__) && defined(MAP_FIXED_NOREPLACE)
  const std::uintptr_t start = windowStart();
  static std::atomic<std::uintptr_t> cursor{start};
  if (start == 0) return nullptr;
  for (int attempt = 0; attempt < 64; ++attempt) {
    std::uintptr_t at = cursor.fetch_add(bytes);
    if (at + bytes > start + kGigabyte) {  // wrapped: freed ranges near the start may be free again
      cursor.store(start + bytes);
      at = start;
    }
    void* wanted = reinterpret_cast<void*>(at);
    void* got = mmap(wanted, bytes, protection, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
    if (got == wanted) return got;
    if (got != MAP_FAILED) munmap(got, bytes);  // a kernel without the flag placed it elsewhere
  }
#else
  (void)bytes;
  (void)protection;
#endif
  return nullptr;
}

class NearCodeMapper final : public llvm::SectionMemoryManager::MemoryMapper {
 public:
  llvm::sys::MemoryBlock allocateMappedMemory(llvm::SectionMemoryManager::AllocationPurpose /*purpose*/,
                                              std::size_t bytes, const llvm::sys::MemoryBlock* const nearBlock,
                                              unsigned flags, std::error_code& error) override {
    const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    const std::size_t rounded = (bytes + page - 1) / page * page;
    if (void* placed = mapNear(rounded, protectionOf(flags)); placed != nullptr) {
      error = std::error_code();
      return {placed, rounded};
    }
    return llvm::sys::Memory::allocateMappedMemory(bytes, nearBlock, flags, error);
  }
  std::error_code protectMappedMemory(const llvm::sys::MemoryBlock& block, unsigned flags) override {
    return llvm::sys::Memory::protectMappedMemory(block, flags);
  }
  std::error_code releaseMappedMemory(llvm::sys::MemoryBlock& block) override {
    return llvm::sys::Memory::releaseMappedMemory(block);
  }
};

}  // namespace

bool inNearWindow(const void* code) {
  const std::uintptr_t start = windowStart();
  const auto address = reinterpret_cast<std::uintptr_t>(code);
  return start != 0 && address >= start && address < start + kGigabyte;
}

llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> createNearCodeLinkingLayer(
    llvm::orc::ExecutionSession& session, const llvm::Triple& /*triple*/) {
  static NearCodeMapper mapper;  // stateless apart from the shared cursor
  auto layer = std::make_unique<llvm::orc::RTDyldObjectLinkingLayer>(
      session, [] { return std::make_unique<llvm::SectionMemoryManager>(&mapper); });
  return std::unique_ptr<llvm::orc::ObjectLayer>(std::move(layer));
}

}  // namespace approval::jit
