// Runs work on a thread with a large stack. The parser and the passes over expressions are
// recursive with depth bounded by InputLimits::maxNestingDepth; a dedicated stack makes
// that bound safe in every build (sanitizer frames are several times larger) and in every
// host thread, whatever stack the embedding application gave it.
#pragma once

#include <cstddef>
#include <functional>

namespace approval::pipeline {

inline constexpr std::size_t kCompilerStackBytes = 256u * 1024u * 1024u;

/// Runs `work` to completion on a new thread with `stackBytes` of stack (reserved address
/// space, touched only as deep as it is used); runs it inline if no thread can be made.
void runWithLargeStack(const std::function<void()>& work, std::size_t stackBytes = kCompilerStackBytes);

}  // namespace approval::pipeline
