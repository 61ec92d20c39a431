#include "abacus/ref/gemm.hpp"

#include <stdexcept>
#include <string>

namespace abacus::ref {

namespace {
void check_gemm_args(int M, int N, int K, int lda, int ldb, int ldc) {
  if (M <= 0 || N <= 0 || K <= 0) {
    throw std::invalid_argument("gemm: sizes must be positive, got M=" + std::to_string(M) +
                                " N=" + std::to_string(N) + " K=" + std::to_string(K));
  }
  if (lda < K || ldb < N || ldc < N) {
    throw std::invalid_argument("gemm: a row stride is shorter than its row");
  }
}
}  // namespace

void gemm_acc_i32(int M, int N, int K, const std::int8_t* A, int lda, const std::int8_t* B, int ldb,
                  std::int32_t zp_a, std::int32_t* acc, int ldc) {
  check_gemm_args(M, N, K, lda, ldb, ldc);
  for (int m = 0; m < M; ++m) {
    for (int n = 0; n < N; ++n) {
      std::uint32_t sum = 0;  // int32 arithmetic that wraps, as the accumulator does
      for (int k = 0; k < K; ++k) {
        const std::int32_t a = A[static_cast<long>(m) * lda + k] - zp_a;
        const std::int32_t b = B[static_cast<long>(k) * ldb + n];
        sum += static_cast<std::uint32_t>(a * b);
      }
      acc[static_cast<long>(m) * ldc + n] = static_cast<std::int32_t>(sum);
    }
  }
}

void gemm_i8(int M, int N, int K, const std::int8_t* A, int lda, const std::int8_t* B, int ldb,
             std::int32_t zp_a, const OutputStage& os, std::int8_t* C, int ldc) {
  check_gemm_args(M, N, K, lda, ldb, ldc);
  os.validate(N);
  for (int m = 0; m < M; ++m) {
    for (int n = 0; n < N; ++n) {
      std::int32_t acc = 0;
      gemm_acc_i32(1, 1, K, A + static_cast<long>(m) * lda, lda, B + n, ldb, zp_a, &acc, 1);
      C[static_cast<long>(m) * ldc + n] = os.apply(n, acc);
    }
  }
}

}  // namespace abacus::ref
