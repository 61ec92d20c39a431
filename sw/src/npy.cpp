#include "abacus/npy.hpp"

#include <cstring>
#include <fstream>
#include <sstream>

namespace abacus::npy {

namespace {
std::size_t elem_size(const std::string& d) {
  if (d == "f4" || d == "i4") return 4;
  if (d == "u1" || d == "i1") return 1;
  if (d == "i8") return 8;
  return 0;
}
[[noreturn]] void bad(const std::string& path, const std::string& what) {
  throw std::runtime_error(path + ": " + what);
}
// The value of 'key' in the header's Python dict literal, as text.
std::string field(const std::string& h, const std::string& key, const std::string& path) {
  const auto k = h.find("'" + key + "'");
  if (k == std::string::npos) bad(path, "npy header has no " + key);
  auto p = h.find(':', k);
  if (p == std::string::npos) bad(path, "malformed npy header");
  ++p;
  while (p < h.size() && h[p] == ' ') ++p;
  if (p >= h.size()) bad(path, "malformed npy header");
  const char open = h[p];
  const char close = open == '\'' ? '\'' : open == '(' ? ')' : ',';
  const auto e = h.find(close, p + 1);
  if (e == std::string::npos) bad(path, "malformed npy header");
  return open == '\'' || open == '(' ? h.substr(p + 1, e - p - 1) : h.substr(p, e - p);
}
}  // namespace

std::size_t Array::count() const {
  std::size_t n = 1;
  for (auto d : shape) n *= static_cast<std::size_t>(d);
  return n;
}

std::vector<float> Array::as_float() const {
  std::vector<float> f(count());
  for (std::size_t i = 0; i < f.size(); ++i) {
    const std::uint8_t* p = data.data() + i * elem_size(dtype);
    if (dtype == "f4") std::memcpy(&f[i], p, 4);
    else if (dtype == "u1") f[i] = *p;
    else if (dtype == "i1") f[i] = static_cast<std::int8_t>(*p);
    else if (dtype == "i4") { std::int32_t v; std::memcpy(&v, p, 4); f[i] = static_cast<float>(v); }
    else { std::int64_t v; std::memcpy(&v, p, 8); f[i] = static_cast<float>(v); }
  }
  return f;
}

std::vector<std::int64_t> Array::as_int() const {
  std::vector<std::int64_t> v(count());
  for (std::size_t i = 0; i < v.size(); ++i) {
    const std::uint8_t* p = data.data() + i * elem_size(dtype);
    if (dtype == "u1") v[i] = *p;
    else if (dtype == "i1") v[i] = static_cast<std::int8_t>(*p);
    else if (dtype == "i4") { std::int32_t x; std::memcpy(&x, p, 4); v[i] = x; }
    else if (dtype == "i8") std::memcpy(&v[i], p, 8);
    else throw std::runtime_error("npy: float array read as integers");
  }
  return v;
}

Array read(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) bad(path, "cannot open");
  char magic[8];
  if (!f.read(magic, 8) || std::memcmp(magic, "\x93NUMPY", 6) != 0) bad(path, "not a .npy file");
  const int major = static_cast<unsigned char>(magic[6]);
  std::uint32_t hlen = 0;
  if (major == 1) {
    unsigned char b[2];
    if (!f.read(reinterpret_cast<char*>(b), 2)) bad(path, "truncated header");
    hlen = b[0] | (b[1] << 8);
  } else if (major == 2 || major == 3) {
    unsigned char b[4];
    if (!f.read(reinterpret_cast<char*>(b), 4)) bad(path, "truncated header");
    hlen = b[0] | (b[1] << 8) | (b[2] << 16) | (static_cast<std::uint32_t>(b[3]) << 24);
    if (hlen > (1u << 20)) bad(path, "header too long");
  } else {
    bad(path, "npy format version " + std::to_string(major));
  }
  std::string h(hlen, '\0');
  if (!f.read(&h[0], hlen)) bad(path, "truncated header");
  Array a;
  std::string descr = field(h, "descr", path);
  if (descr.size() == 3 && (descr[0] == '<' || descr[0] == '|')) descr = descr.substr(1);
  if (!elem_size(descr)) bad(path, "dtype " + descr + " (float32, uint8, int8, int32, int64 little-endian only)");
  a.dtype = descr;
  if (field(h, "fortran_order", path).find("False") == std::string::npos) bad(path, "Fortran order is not supported");
  std::stringstream ss(field(h, "shape", path));
  std::string tok;
  while (std::getline(ss, tok, ',')) {
    if (tok.find_first_not_of(' ') == std::string::npos) continue;
    try {
      const long long d = std::stoll(tok);
      if (d < 0 || d > (1LL << 32)) bad(path, "bad dimension " + tok);
      a.shape.push_back(d);
    } catch (const std::logic_error&) {
      bad(path, "bad dimension '" + tok + "'");
    }
  }
  const std::size_t bytes = a.count() * elem_size(a.dtype);
  if (bytes > (std::size_t{1} << 34)) bad(path, "array too large");
  a.data.resize(bytes);
  if (!f.read(reinterpret_cast<char*>(a.data.data()), static_cast<std::streamsize>(bytes))) {
    bad(path, "holds fewer than the " + std::to_string(a.count()) + " elements its header declares");
  }
  return a;
}

void write(const std::string& path, const std::string& dtype, const std::vector<std::int64_t>& shape,
           const void* data) {
  const std::size_t es = elem_size(dtype);
  if (!es) throw std::invalid_argument("npy::write: dtype " + dtype);
  std::string dims;
  std::size_t n = 1;
  for (auto d : shape) {
    dims += std::to_string(d) + ",";
    n *= static_cast<std::size_t>(d);
  }
  if (shape.size() > 1) dims.pop_back();
  std::string h = "{'descr': '" + std::string(es == 1 ? "|" : "<") + dtype + "', 'fortran_order': False, 'shape': (" +
                  dims + "), }";
  while ((10 + h.size() + 1) % 64) h += ' ';
  h += '\n';
  std::ofstream f(path, std::ios::binary);
  if (!f) throw std::runtime_error(path + ": cannot write");
  f.write("\x93NUMPY\x01\x00", 8);
  const unsigned char len[2] = {static_cast<unsigned char>(h.size() & 0xff), static_cast<unsigned char>(h.size() >> 8)};
  f.write(reinterpret_cast<const char*>(len), 2);
  f << h;
  f.write(static_cast<const char*>(data), static_cast<std::streamsize>(n * es));
  if (!f) throw std::runtime_error(path + ": write failed");
}

}  // namespace abacus::npy
