#include <zlib.h>

#include <stdexcept>
#include <string>

#include "abacus/onnx_model.hpp"

namespace abacus::model {

namespace {
// bytes [skip, skip + bytes) of a gzip file
std::vector<std::uint8_t> gunzip_part(const std::string& path, std::size_t skip, std::size_t bytes) {
  gzFile g = gzopen(path.c_str(), "rb");
  if (!g) throw std::runtime_error(path + ": cannot open (install the Debian package dataset-fashion-mnist)");
  std::vector<std::uint8_t> raw(skip + bytes);
  const int got = gzread(g, raw.data(), static_cast<unsigned>(raw.size()));
  gzclose(g);
  if (got != static_cast<int>(raw.size())) throw std::runtime_error(path + ": shorter than expected");
  return {raw.begin() + static_cast<long>(skip), raw.end()};
}
}  // namespace

Images fashion_mnist_test(int n) {
  if (n < 1 || n > 10000) throw std::invalid_argument("fashion-mnist: N in 1..10000");
  const std::string dir = "/usr/share/datasets/fashion-mnist/";
  Images im;
  // idx files: a 16-byte header before the pixels, 8 bytes before the labels
  for (auto p : gunzip_part(dir + "t10k-images-idx3-ubyte.gz", 16, static_cast<std::size_t>(n) * 784)) {
    im.x.push_back(static_cast<float>(p) / 255.0f);
  }
  for (auto l : gunzip_part(dir + "t10k-labels-idx1-ubyte.gz", 8, static_cast<std::size_t>(n))) im.labels.push_back(l);
  return im;
}

}  // namespace abacus::model
