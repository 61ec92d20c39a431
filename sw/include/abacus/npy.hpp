// NumPy .npy files (format versions 1-3, C order, little-endian): the
// tensors `abacus run` reads and writes.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace abacus::npy {

struct Array {
  std::string dtype;                 // "f4", "u1", "i1", "i4" or "i8"
  std::vector<std::int64_t> shape;
  std::vector<std::uint8_t> data;    // raw little-endian elements
  std::size_t count() const;
  std::vector<float> as_float() const;      // any dtype, converted
  std::vector<std::int64_t> as_int() const; // integer dtypes
};

// Throws std::runtime_error naming the file and what is wrong.
Array read(const std::string& path);
void write(const std::string& path, const std::string& dtype, const std::vector<std::int64_t>& shape,
           const void* data);

}  // namespace abacus::npy
