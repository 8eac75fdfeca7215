#pragma once
// The vector type of the instruction set a kernel file is compiled for. Each kernel file defines
// ESPALIER_KERNEL_ISA (avx512, avx2, portable) before including a kernel header: everything lives in
// a namespace of that name, so the linker never mixes one instruction set's copy into another's.
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>

#ifndef ESPALIER_KERNEL_ISA
#error "define ESPALIER_KERNEL_ISA before including a kernel header"
#endif

namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA {

// The vector registers of the instruction set this copy is compiled for, as GCC vector types: the
// accumulators are explicit vectors, so no compiler's loop vectoriser can turn them into stack arrays
// and scalar sums (it did, for the final sums of the frame block, costing a third of a short row's time).
#if defined(__AVX512F__)
constexpr int kLanes = 16, kVectorRegisters = 32;
#elif defined(__AVX__)
constexpr int kLanes = 8, kVectorRegisters = 16;
#elif defined(__aarch64__)
constexpr int kLanes = 4, kVectorRegisters = 32;  // NEON
#else
constexpr int kLanes = 4, kVectorRegisters = 16;  // SSE2
#endif
typedef float Vec __attribute__((vector_size(kLanes * sizeof(float))));

// The dense GEMM's register tile: kTileRows rows of the weights by kTileVecs vectors of frames,
// kTileRows · kTileVecs accumulators kept in registers (16 vector registers on AVX2 and SSE2, 32 on
// AVX-512 and NEON).
#if defined(__AVX512F__)
constexpr int kTileRows = 8, kTileVecs = 2;   // 16 accumulators, 32 frames
#elif defined(__AVX__)
constexpr int kTileRows = 6, kTileVecs = 2;   // 12 accumulators, 16 frames
#elif defined(__aarch64__)
constexpr int kTileRows = 6, kTileVecs = 4;   // 24 accumulators, 16 frames
#else
constexpr int kTileRows = 4, kTileVecs = 2;   // 8 accumulators, 8 frames
#endif

inline Vec loadVec(const float* p)
{
    Vec v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

inline void storeVec(float* p, Vec v)
{
    std::memcpy(p, &v, sizeof v);
}

// Every lane x: one broadcast. (x - 0 is x for every x, so the subtraction folds away; x + 0 is not
// for x = -0, and a lane-by-lane fill compiles to inserts.)
inline Vec splat(float x)
{
    return x - Vec{};
}

// Scratch memory for packed operands, 64-byte aligned so a 16-frame slice is one cache line (an
// unaligned one splits every other vector load across two). Kernels keep one per thread.
class ScratchBuffer {
public:
    ScratchBuffer() = default;
    ScratchBuffer(const ScratchBuffer&) = delete;
    ScratchBuffer& operator=(const ScratchBuffer&) = delete;
    ~ScratchBuffer() { std::free(data_); }
    float* get(size_t floats)
    {
        if (floats > capacity_) {
            std::free(data_);
            capacity_ = (floats + 15) / 16 * 16;
            data_ = static_cast<float*>(std::aligned_alloc(64, capacity_ * sizeof(float)));
            if (!data_)
                throw std::bad_alloc();
        }
        return data_;
    }

private:
    float* data_ = nullptr;
    size_t capacity_ = 0;
};

} // namespace espalier::runtime::kernels::ESPALIER_KERNEL_ISA
