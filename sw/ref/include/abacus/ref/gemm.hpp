// Golden int8 GEMM: the reference every accelerator result is compared with.
#pragma once

#include <cstdint>

#include "abacus/ref/quant.hpp"

namespace abacus::ref {

// Raw accumulation, no requantization:
//   acc[m][n] = sum_k (A[m][k] - zp_a) * B[k][n]     (int32, wraps)
// A is M x K row-major with row stride lda, B is K x N with row stride ldb,
// acc is M x N with row stride ldc.
void gemm_acc_i32(int M, int N, int K, const std::int8_t* A, int lda, const std::int8_t* B, int ldb,
                  std::int32_t zp_a, std::int32_t* acc, int ldc);

// Quantized GEMM, TFLite/gemmlowp int8 semantics:
//   C[m][n] = requantize(acc[m][n], bias[n], multiplier[n], shift[n], ...)
// Weights are symmetric (no zero point); output channel n is column n.
// Throws std::invalid_argument for non-positive sizes, short strides or an
// OutputStage that does not have N channels.
void gemm_i8(int M, int N, int K, const std::int8_t* A, int lda, const std::int8_t* B, int ldb,
             std::int32_t zp_a, const OutputStage& os, std::int8_t* C, int ldc);

}  // namespace abacus::ref
