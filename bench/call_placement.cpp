// How much one indirect call of a tiny function costs depending on where its code lives
// (docs/PERFORMANCE.md, "Guard evaluation"). The same machine code (`*p > 500000`, the
// Threshold guard) is called through a function pointer from the same loop: the compiled
// function itself, then byte-for-byte copies placed in executable pages in the image's bss,
// an anonymous mapping anywhere, one 1 MiB below the program text, and on the heap; two
// rounds. On the machine of PERFORMANCE.md the time per call is bimodal (about 1.4 or
// 2.2 ns) and which placement gets which changes between rounds and runs, even for the
// compiled function: below ~2 ns per call, a JIT-compiled guard's ratio to hand-written C++
// is partly decided by where the code lands, not by the code.
//
//   call_placement            prints ns per call for each placement, two rounds
#include <sys/mman.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {

using Function = int (*)(const long*);

__attribute__((noinline)) int threshold(const long* value) { return *value > 500000; }

alignas(4096) char bssPages[2 * 4096];

double nanosecondsPerCall(Function function) {
  long values[2] = {1, 1000000};
  constexpr long kCalls = 200'000'000;
  int trues = 0;
  const auto start = std::chrono::steady_clock::now();
  for (long i = 0; i < kCalls; ++i) {
    const long* value = &values[i & 1];
    asm volatile("" : "+r"(value));  // the loop cannot know what it passes
    int result = function(value);
    asm volatile("" : "+r"(result));
    trues += result;
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  if (trues != kCalls / 2) std::fprintf(stderr, "wrong answers: %d\n", trues);
  return std::chrono::duration<double, std::nano>(elapsed).count() / kCalls;
}

/// A copy of threshold()'s code in `page` (page-aligned, 4096 bytes), made executable.
Function copyInto(void* page) {
  if (page == nullptr || page == MAP_FAILED) return nullptr;
  if (mprotect(page, 4096, PROT_READ | PROT_WRITE) != 0) return nullptr;
  std::memcpy(page, reinterpret_cast<const void*>(&threshold), 64);
  if (mprotect(page, 4096, PROT_READ | PROT_EXEC) != 0) return nullptr;
  return reinterpret_cast<Function>(page);
}

void* anonymousPage(void* hint) {
  return mmap(hint, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
}

}  // namespace

int main() {
  Function compiled = &threshold;
  asm volatile("" : "+r"(compiled));
  const auto text = reinterpret_cast<std::uintptr_t>(&threshold);
  const struct {
    const char* name;
    Function function;
  } placements[] = {
      {"compiled function", compiled},
      {"copy in bss", copyInto(bssPages + 4096 - reinterpret_cast<std::uintptr_t>(bssPages) % 4096)},
      {"copy in anonymous mapping", copyInto(anonymousPage(nullptr))},
      {"copy 1 MiB below the text", copyInto(anonymousPage(reinterpret_cast<void*>((text & ~std::uintptr_t{0xfffff}) - (std::uintptr_t{1} << 20))))},
      {"copy on the heap", copyInto(std::aligned_alloc(4096, 4096))},
  };
  for (int round = 1; round <= 2; ++round) {
    for (const auto& placement : placements) {
      if (placement.function == nullptr) {
        std::printf("round %d  %-28s  (could not make the page executable)\n", round, placement.name);
        continue;
      }
      std::printf("round %d  %-28s %5.2f ns per call\n", round, placement.name, nanosecondsPerCall(placement.function));
    }
  }
  return 0;
}
