// Where the JIT puts generated code: near the program's own code (the runtime helpers)
// rather than wherever mmap chooses. On the machines measured in docs/PERFORMANCE.md, the
// same few instructions called through a pointer cost about 1.4 ns in the program's text
// and about 2.5 ns in an anonymous mapping terabytes away; guards are called often enough
// for that to be a third of a small guard's time.
#pragma once

#include <memory>

#include <llvm/ExecutionEngine/Orc/LLJIT.h>

namespace approval::jit {

/// Whether `code` lies in the window the layer's memory is taken from.
[[nodiscard]] bool inNearWindow(const void* code);

/// An LLJIT object linking layer (RuntimeDyld, as LLJIT's default on ELF) whose memory
/// manager takes pages close to the runtime helpers. Best effort: when that address range
/// is taken, the pages go wherever mmap puts them and nothing else changes.
[[nodiscard]] llvm::Expected<std::unique_ptr<llvm::orc::ObjectLayer>> createNearCodeLinkingLayer(
    llvm::orc::ExecutionSession& session, const llvm::Triple& triple);

}  // namespace approval::jit
