#include "abacus/onnx_model.hpp"

#include <onnx/onnx_pb.h>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "abacus/conv.hpp"
#include "abacus/ref/conv.hpp"

namespace abacus::model {

const char* op_name(Op op) {
  switch (op) {
    case Op::kConv: return "Conv";
    case Op::kGemm: return "Gemm";
    case Op::kAdd: return "Add";
    case Op::kMaxPool: return "MaxPool";
    case Op::kGlobalAvgPool: return "GlobalAveragePool";
    case Op::kFlatten: return "Flatten";
  }
  return "?";
}

std::size_t Model::elems(int value) const {
  std::size_t e = 1;
  for (int d : values.at(static_cast<std::size_t>(value)).shape) e *= static_cast<std::size_t>(d);
  return e;
}

namespace {

// A folded constant: its ONNX type, dims and values (exact for every type
// the importer takes: float32, int8, uint8, int32, int64).
struct Const {
  int type = 0;
  std::vector<std::int64_t> dims;
  std::vector<double> v;
  std::size_t size() const { return v.size(); }
};

const char* type_name(int t) {
  switch (t) {
    case onnx::TensorProto::FLOAT: return "float32";
    case onnx::TensorProto::UINT8: return "uint8";
    case onnx::TensorProto::INT8: return "int8";
    case onnx::TensorProto::INT32: return "int32";
    case onnx::TensorProto::INT64: return "int64";
    case onnx::TensorProto::DOUBLE: return "float64";
    default: return "an unsupported type";
  }
}

class Importer {
 public:
  explicit Importer(const std::string& path) : path_(path) {}
  Model run();

 private:
  // What a graph name stands for while the graph is read.
  struct Val {
    enum Kind { kConst, kDeqConst, kFloatIn, kQuant, kDeq, kPending } kind = kConst;
    Const c;           // kConst, kDeqConst (the integer data)
    Const s, z;        // kDeqConst: scale and zero point (z empty: 0)
    int q = -1;        // kQuant, kDeq: the quantized value
    int pending = -1;  // kPending: index into pending_
  };
  // A float operator over dequantized inputs, waiting for its QuantizeLinear.
  struct Pending {
    Layer layer;
    std::vector<int> float_inputs;  // kDeq values' quantized ids, in order
    float lo = -INFINITY, hi = INFINITY;  // fused Relu / Clip
    bool same_q = false;  // MaxPool, Flatten: output keeps the input's quantization
  };

  [[noreturn]] void fail(const onnx::NodeProto* n, const std::string& what) const {
    std::string where = path_;
    if (n) where += ": node " + (n->name().empty() ? n->output_size() ? n->output(0) : std::string("?") : n->name()) +
                    " (" + n->op_type() + ")";
    throw ImportError(where + ": " + what);
  }
  Const tensor(const onnx::TensorProto& t, const onnx::NodeProto* n) const;
  const Val& get(const onnx::NodeProto& n, int i) const;
  const Const& konst(const onnx::NodeProto& n, int i) const;
  double scalar(const onnx::NodeProto& n, int i) const;
  QParams qparams(const onnx::NodeProto& n, int scale_i, int zp_i, bool* is_uint8) const;
  void node(const onnx::NodeProto& n);
  void conv_like(const onnx::NodeProto& n, bool gemm);
  void finish_pending(const onnx::NodeProto& n, int pending, QParams q, bool is_uint8);

  std::string path_;
  Model m_;
  std::map<std::string, Val> vals_;
  std::vector<Pending> pending_;
  int float_input_value_ = -1;
};

Const Importer::tensor(const onnx::TensorProto& t, const onnx::NodeProto* n) const {
  Const c;
  c.type = t.data_type();
  std::size_t count = 1;
  for (auto d : t.dims()) {
    if (d < 0) fail(n, "tensor " + t.name() + " has a negative dimension");
    c.dims.push_back(d);
    // (each factor checked before the product, so the product cannot wrap)
    if (d > (std::int64_t{1} << 30)) fail(n, "tensor " + t.name() + " is too large");
    count *= static_cast<std::size_t>(d);
    if (count > (std::size_t{1} << 30)) fail(n, "tensor " + t.name() + " is too large");
  }
  if (t.data_location() == onnx::TensorProto::EXTERNAL) fail(n, "tensor " + t.name() + " uses external data (not supported)");
  const std::string& raw = t.raw_data();
  auto need = [&](std::size_t have) {
    if (have != count) {
      fail(n, "tensor " + t.name() + " holds " + std::to_string(have) + " values for dims of " + std::to_string(count));
    }
  };
  c.v.resize(count);
  // the elements from raw little-endian bytes of T, or from the typed field
  auto from_raw = [&](auto zero) {
    using T = decltype(zero);
    if (raw.size() % sizeof(T)) fail(n, "tensor " + t.name() + ": raw data not a whole number of elements");
    need(raw.size() / sizeof(T));
    for (std::size_t i = 0; i < count; ++i) {
      T x;
      std::memcpy(&x, raw.data() + sizeof(T) * i, sizeof(T));
      c.v[i] = static_cast<double>(x);
    }
  };
  auto from_field = [&](const auto& field) {
    need(static_cast<std::size_t>(field.size()));
    for (std::size_t i = 0; i < count; ++i) c.v[i] = static_cast<double>(field.Get(static_cast<int>(i)));
  };
  switch (c.type) {
    case onnx::TensorProto::FLOAT:
      raw.empty() ? from_field(t.float_data()) : from_raw(float{});
      break;
    case onnx::TensorProto::UINT8:
      raw.empty() ? from_field(t.int32_data()) : from_raw(std::uint8_t{});
      break;
    case onnx::TensorProto::INT8:
      raw.empty() ? from_field(t.int32_data()) : from_raw(std::int8_t{});
      break;
    case onnx::TensorProto::INT32:
      raw.empty() ? from_field(t.int32_data()) : from_raw(std::int32_t{});
      break;
    case onnx::TensorProto::INT64:
      raw.empty() ? from_field(t.int64_data()) : from_raw(std::int64_t{});
      break;
    default:
      fail(n, "tensor " + t.name() + " has " + type_name(c.type) + " elements");
  }
  return c;
}

const Importer::Val& Importer::get(const onnx::NodeProto& n, int i) const {
  if (i >= n.input_size() || n.input(i).empty()) fail(&n, "input " + std::to_string(i) + " is missing");
  const auto it = vals_.find(n.input(i));
  if (it == vals_.end()) fail(&n, "input " + n.input(i) + " is not produced by any earlier node");
  return it->second;
}

const Const& Importer::konst(const onnx::NodeProto& n, int i) const {
  const Val& v = get(n, i);
  if (v.kind != Val::kConst) fail(&n, "input " + n.input(i) + " must be a constant");
  return v.c;
}

double Importer::scalar(const onnx::NodeProto& n, int i) const {
  const Const& c = konst(n, i);
  if (c.size() != 1) fail(&n, "input " + n.input(i) + " must be a scalar (per-tensor) here");
  return c.v[0];
}

QParams Importer::qparams(const onnx::NodeProto& n, int scale_i, int zp_i, bool* is_uint8) const {
  QParams q;
  const double s = scalar(n, scale_i);
  if (!std::isfinite(s) || s <= 0.0) {
    std::ostringstream os;
    os << "scale " << s << " is not a positive finite number";
    fail(&n, os.str());
  }
  q.scale = static_cast<float>(s);
  bool u8 = true;  // ONNX: without a zero point, QuantizeLinear's output is uint8
  double zp = 0;
  if (zp_i < n.input_size() && !n.input(zp_i).empty()) {
    const Const& z = konst(n, zp_i);
    if (z.size() != 1) fail(&n, "the zero point must be a scalar here");
    if (z.type != onnx::TensorProto::UINT8 && z.type != onnx::TensorProto::INT8) {
      fail(&n, std::string("zero point of type ") + type_name(z.type) + " (int8 or uint8 only)");
    }
    u8 = z.type == onnx::TensorProto::UINT8;
    zp = z.v[0];
  }
  q.zp = static_cast<std::int32_t>(zp) - (u8 ? 128 : 0);
  if (is_uint8) *is_uint8 = u8;
  return q;
}

void Importer::node(const onnx::NodeProto& n) {
  const std::string& op = n.op_type();
  if (!n.domain().empty() && n.domain() != "ai.onnx") {
    fail(&n, "operator domain " + n.domain() + " is not supported");
  }
  auto define = [&](Val v) {
    if (n.output_size() < 1 || n.output(0).empty()) fail(&n, "has no output");
    vals_[n.output(0)] = std::move(v);
  };
  if (op == "Constant") {
    for (const auto& a : n.attribute()) {
      if (a.name() == "value") {
        Val v;
        v.c = tensor(a.t(), &n);
        define(std::move(v));
        return;
      }
    }
    fail(&n, "only the tensor form (attribute value) is supported");
  }
  if (op == "ConstantOfShape") {
    const Const& shape = konst(n, 0);
    Val v;
    v.c.type = onnx::TensorProto::FLOAT;
    double fill = 0;
    for (const auto& a : n.attribute()) {
      if (a.name() == "value") {
        const Const t = tensor(a.t(), &n);
        if (t.size() != 1) fail(&n, "value must hold one element");
        v.c.type = t.type;
        fill = t.v[0];
      }
    }
    std::size_t count = 1;
    for (double d : shape.v) {
      if (d < 0 || d > (1 << 24)) fail(&n, "bad shape");
      v.c.dims.push_back(static_cast<std::int64_t>(d));
      count *= static_cast<std::size_t>(d);
    }
    v.c.v.assign(count, fill);
    define(std::move(v));
    return;
  }
  if (op == "Cast") {
    const Val& in = get(n, 0);
    int to = 0;
    for (const auto& a : n.attribute()) {
      if (a.name() == "to") to = static_cast<int>(a.i());
    }
    if (in.kind == Val::kConst) {
      Val v = in;
      v.c.type = to;
      for (double& x : v.c.v) {
        if (to == onnx::TensorProto::FLOAT) x = static_cast<float>(x);
        else if (to == onnx::TensorProto::UINT8) x = static_cast<double>(static_cast<std::uint8_t>(static_cast<std::int64_t>(x)));
        else if (to == onnx::TensorProto::INT8) x = static_cast<double>(static_cast<std::int8_t>(static_cast<std::int64_t>(x)));
        else if (to == onnx::TensorProto::INT32) x = static_cast<double>(static_cast<std::int32_t>(static_cast<std::int64_t>(x)));
        else if (to != onnx::TensorProto::INT64) fail(&n, std::string("Cast to ") + type_name(to) + " is not supported");
      }
      define(std::move(v));
      return;
    }
    if (in.kind == Val::kQuant) {
      const bool u8 = m_.values[static_cast<std::size_t>(in.q)].is_uint8;
      const int have = u8 ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8;
      if (to != have) fail(&n, std::string("Cast of a quantized tensor to ") + type_name(to) + " (only to its own type)");
      define(in);
      return;
    }
    fail(&n, "Cast of a float tensor is not supported");
  }
  if (op == "QuantizeLinear") {
    const Val& x = get(n, 0);
    bool u8 = false;
    const QParams q = qparams(n, 1, 2, &u8);
    if (x.kind == Val::kFloatIn) {
      if (float_input_value_ >= 0) fail(&n, "the graph input is quantized twice");
      Value v;
      v.name = n.output(0);
      v.q = q;
      v.is_uint8 = u8;
      // NCHW in the graph, NHWC here
      v.shape = m_.input_chw.size() == 3 ? std::vector<int>{m_.input_chw[1], m_.input_chw[2], m_.input_chw[0]}
                                         : m_.input_chw;
      m_.values.push_back(v);
      float_input_value_ = 0;
      Val r;
      r.kind = Val::kQuant;
      r.q = 0;
      define(r);
      return;
    }
    if (x.kind == Val::kPending) {
      finish_pending(n, x.pending, q, u8);
      return;
    }
    fail(&n, "QuantizeLinear of something other than the graph input or a supported float operator");
  }
  if (op == "DequantizeLinear") {
    const Val& x = get(n, 0);
    if (x.kind == Val::kConst) {  // weights, bias: the integer data with its parameters
      Val v;
      v.kind = Val::kDeqConst;
      v.c = x.c;
      v.s = konst(n, 1);
      if (n.input_size() > 2 && !n.input(2).empty()) v.z = konst(n, 2);
      for (const auto& a : n.attribute()) {
        if (a.name() == "axis" && a.i() != 0 && a.i() != -static_cast<std::int64_t>(x.c.dims.size())) {
          if (v.s.size() > 1) fail(&n, "per-channel parameters along axis " + std::to_string(a.i()) + " (only axis 0)");
        }
      }
      define(std::move(v));
      return;
    }
    if (x.kind == Val::kQuant) {
      const Value& qv = m_.values[static_cast<std::size_t>(x.q)];
      bool u8 = false;
      const QParams q = qparams(n, 1, 2, &u8);
      if (q.scale != qv.q.scale || q.zp != qv.q.zp || u8 != qv.is_uint8) {
        fail(&n, "dequantizes " + qv.name + " with other parameters than it was quantized with");
      }
      Val v;
      v.kind = Val::kDeq;
      v.q = x.q;
      define(v);
      return;
    }
    fail(&n, "DequantizeLinear of a float tensor");
  }
  if (op == "Conv") return conv_like(n, false);
  if (op == "Gemm" || op == "MatMul") return conv_like(n, true);
  if (op == "Relu" || op == "Clip") {
    const Val& x = get(n, 0);
    if (x.kind != Val::kPending) fail(&n, op + " must follow a Conv, Gemm, MatMul or Add to be fused");
    Pending& p = pending_[static_cast<std::size_t>(x.pending)];
    if (op == "Relu") {
      p.lo = std::max(p.lo, 0.0f);
    } else {
      if (n.input_size() > 1 && !n.input(1).empty()) p.lo = std::max(p.lo, static_cast<float>(scalar(n, 1)));
      if (n.input_size() > 2 && !n.input(2).empty()) p.hi = std::min(p.hi, static_cast<float>(scalar(n, 2)));
    }
    define(x);
    return;
  }
  if (op == "Add" || op == "MaxPool" || op == "GlobalAveragePool" || op == "Flatten" || op == "Reshape") {
    Pending p;
    p.layer.node = n.name().empty() ? n.output(0) : n.name();
    const int arity = op == "Add" ? 2 : 1;
    for (int i = 0; i < arity; ++i) {
      const Val& x = get(n, i);
      if (x.kind != Val::kDeq) fail(&n, "input " + n.input(i) + " is not a dequantized tensor");
      p.float_inputs.push_back(x.q);
    }
    const Value& in = m_.values[static_cast<std::size_t>(p.float_inputs[0])];
    if (op == "Add") {
      p.layer.op = Op::kAdd;
      const Value& in2 = m_.values[static_cast<std::size_t>(p.float_inputs[1])];
      if (in.shape != in2.shape) fail(&n, "broadcasting Add is not supported (shapes differ)");
    } else if (op == "MaxPool") {
      p.layer.op = Op::kMaxPool;
      p.same_q = true;
      if (in.shape.size() != 3) fail(&n, "needs a 4-D input");
      for (const auto& a : n.attribute()) {
        auto ints = [&](int want) {
          if (a.ints_size() != want) fail(&n, "attribute " + a.name() + " must have " + std::to_string(want) + " values");
          std::vector<int> v;
          for (auto x : a.ints()) v.push_back(static_cast<int>(x));
          return v;
        };
        if (a.name() == "kernel_shape") {
          const auto k = ints(2);
          p.layer.kernel_h = k[0], p.layer.kernel_w = k[1];
        } else if (a.name() == "strides") {
          const auto s = ints(2);
          p.layer.stride_h = s[0], p.layer.stride_w = s[1];
        } else if (a.name() == "pads") {
          const auto pd = ints(4);
          p.layer.pad_top = pd[0], p.layer.pad_left = pd[1], p.layer.pad_bottom = pd[2], p.layer.pad_right = pd[3];
        } else if (a.name() == "dilations") {
          const auto d = ints(2);
          if (d[0] != 1 || d[1] != 1) fail(&n, "dilated MaxPool is not supported");
        } else if (a.name() == "ceil_mode") {
          if (a.i() != 0) fail(&n, "ceil_mode 1 is not supported");
        } else if (a.name() == "auto_pad") {
          if (a.s() != "NOTSET") fail(&n, "auto_pad " + a.s() + " is not supported");
        } else if (a.name() != "storage_order") {
          fail(&n, "attribute " + a.name() + " is not supported");
        }
      }
    } else if (op == "GlobalAveragePool") {
      p.layer.op = Op::kGlobalAvgPool;
      if (in.shape.size() != 3) fail(&n, "needs a 4-D input");
    } else {
      p.layer.op = Op::kFlatten;
      p.same_q = true;
      if (op == "Flatten") {
        for (const auto& a : n.attribute()) {
          if (a.name() == "axis" && a.i() != 1) fail(&n, "Flatten only at axis 1 (keeping the batch)");
        }
      } else {  // Reshape to [N, features]: [0 or -1 or N, features or -1]
        const Const& shape = konst(n, 1);
        int e = 1;
        for (int d : in.shape) e *= d;
        if (shape.size() != 2 || (shape.v[1] != -1 && shape.v[1] != e) || (shape.v[0] != 0 && shape.v[0] != -1 && shape.v[1] == -1)) {
          fail(&n, "only a Reshape to [batch, " + std::to_string(e) + "] is supported");
        }
      }
    }
    pending_.push_back(std::move(p));
    Val v;
    v.kind = Val::kPending;
    v.pending = static_cast<int>(pending_.size()) - 1;
    define(v);
    return;
  }
  fail(&n, "operator " + op +
               " is not supported (supported: QuantizeLinear, DequantizeLinear, Conv, Gemm, MatMul, Add, Relu, "
               "Clip, MaxPool, GlobalAveragePool, Flatten, Reshape, Constant, ConstantOfShape, Cast)");
}


// The float32 scale a Conv/Gemm's accumulator is requantized with, as
// PyTorch's quantized engines compute it (generate_requantization_scales:
// weight scale times input scale times the output scale's reciprocal, in
// binary32). (ONNX Runtime divides by the output scale instead; the two
// differ in the last bit for some scales, and with it on a few outputs in
// a million: 16 of 22 million on the Fashion-MNIST model's conv3.)
float combined_scale(float x_s, float w_s, float y_s) { return (w_s * x_s) * (1.0f / y_s); }

void Importer::conv_like(const onnx::NodeProto& n, bool gemm) {
  Pending p;
  Layer& L = p.layer;
  L.node = n.name().empty() ? n.output(0) : n.name();
  const Val& x = get(n, 0);
  if (x.kind != Val::kDeq) fail(&n, "input " + n.input(0) + " is not a dequantized tensor");
  p.float_inputs.push_back(x.q);
  const Value& in = m_.values[static_cast<std::size_t>(x.q)];
  const Val& w = get(n, 1);
  if (w.kind != Val::kDeqConst) fail(&n, "the weights " + n.input(1) + " are not a dequantized constant");
  if (w.c.type != onnx::TensorProto::INT8 && w.c.type != onnx::TensorProto::UINT8) {
    fail(&n, std::string("weights of type ") + type_name(w.c.type) + " (int8 or uint8 only)");
  }
  const double w_off = w.c.type == onnx::TensorProto::UINT8 ? 128.0 : 0.0;
  for (double z : w.z.v) {
    if (z - w_off != 0.0) fail(&n, "weight zero point " + std::to_string(static_cast<int>(z)) + " (only symmetric weights)");
  }
  int out_c = 0, k = 0;
  ref::ConvGeometry& g = L.g;
  std::vector<double> wv;  // HWIO after the loops below
  if (!gemm) {
    L.op = Op::kConv;
    if (in.shape.size() != 3) fail(&n, "needs a 4-D input");
    if (w.c.dims.size() != 4) fail(&n, "needs 4-D weights (2-D convolution only)");
    g.in_h = in.shape[0], g.in_w = in.shape[1], g.in_c = in.shape[2];
    out_c = static_cast<int>(w.c.dims[0]);
    const int cin_g = static_cast<int>(w.c.dims[1]);
    g.kernel_h = static_cast<int>(w.c.dims[2]), g.kernel_w = static_cast<int>(w.c.dims[3]);
    g.out_c = out_c;
    for (const auto& a : n.attribute()) {
      std::vector<int> v;
      for (auto i : a.ints()) v.push_back(static_cast<int>(i));
      if (a.name() == "strides" && v.size() == 2) g.stride_h = v[0], g.stride_w = v[1];
      else if (a.name() == "dilations" && v.size() == 2) g.dilation_h = v[0], g.dilation_w = v[1];
      else if (a.name() == "pads" && v.size() == 4) g.pad_top = v[0], g.pad_left = v[1], g.pad_bottom = v[2], g.pad_right = v[3];
      else if (a.name() == "group") g.groups = static_cast<int>(a.i());
      else if (a.name() == "kernel_shape" && v.size() == 2) {
        if (v[0] != g.kernel_h || v[1] != g.kernel_w) fail(&n, "kernel_shape disagrees with the weights");
      } else if (a.name() == "auto_pad") {
        if (a.s() != "NOTSET") fail(&n, "auto_pad " + a.s() + " is not supported (give explicit pads)");
      } else {
        fail(&n, "attribute " + a.name() + " is not supported or malformed");
      }
    }
    if (g.groups < 1 || g.in_c % g.groups || out_c % g.groups || cin_g != g.in_c / g.groups) {
      fail(&n, "weights [" + std::to_string(out_c) + "," + std::to_string(cin_g) + ",...] do not fit " +
                   std::to_string(g.in_c) + " input channels in " + std::to_string(g.groups) + " groups");
    }
    try {
      g.validate();
    } catch (const std::invalid_argument& e) {
      fail(&n, e.what());
    }
    // OIHW -> HWIO
    wv.resize(w.c.size());
    for (int o = 0; o < out_c; ++o)
      for (int i = 0; i < cin_g; ++i)
        for (int ky = 0; ky < g.kernel_h; ++ky)
          for (int kx = 0; kx < g.kernel_w; ++kx)
            wv[((static_cast<std::size_t>(ky) * g.kernel_w + kx) * cin_g + i) * out_c + o] =
                w.c.v[((static_cast<std::size_t>(o) * cin_g + i) * g.kernel_h + ky) * g.kernel_w + kx];
  } else {
    L.op = Op::kGemm;
    if (in.shape.size() != 1) fail(&n, "needs a 2-D input");
    k = in.shape[0];
    if (w.c.dims.size() != 2) fail(&n, "needs 2-D weights");
    bool trans_b = false;
    for (const auto& a : n.attribute()) {
      if (a.name() == "transB") trans_b = a.i() != 0;
      else if (a.name() == "transA") {
        if (a.i() != 0) fail(&n, "transA is not supported");
      } else if (a.name() == "alpha" || a.name() == "beta") {
        if (a.f() != 1.0f) fail(&n, a.name() + " other than 1 is not supported");
      } else {
        fail(&n, "attribute " + a.name() + " is not supported");
      }
    }
    const int rows = static_cast<int>(w.c.dims[0]), cols = static_cast<int>(w.c.dims[1]);
    out_c = trans_b ? rows : cols;
    if ((trans_b ? cols : rows) != k) fail(&n, "weights do not match the input's " + std::to_string(k) + " features");
    g.in_c = k;
    g.out_c = out_c;
    wv.resize(w.c.size());
    for (int kk = 0; kk < k; ++kk)
      for (int o = 0; o < out_c; ++o)
        wv[static_cast<std::size_t>(kk) * out_c + o] =
            trans_b ? w.c.v[static_cast<std::size_t>(o) * k + kk] : w.c.v[static_cast<std::size_t>(kk) * out_c + o];
  }
  L.weights.resize(wv.size());
  for (std::size_t i = 0; i < wv.size(); ++i) L.weights[i] = static_cast<std::int8_t>(wv[i] - w_off);
  if (w.s.size() != 1 && w.s.size() != static_cast<std::size_t>(out_c)) {
    fail(&n, "weight scale has " + std::to_string(w.s.size()) + " values for " + std::to_string(out_c) + " channels");
  }
  // per-channel weight scales (or one), and the bias
  L.os.mode = ref::RequantMode::kFloat32;
  L.os.bias.assign(static_cast<std::size_t>(out_c), 0);
  L.os.scale.assign(static_cast<std::size_t>(out_c), 0.0f);
  for (int o = 0; o < out_c; ++o) {
    const double ws = w.s.v[w.s.size() == 1 ? 0 : static_cast<std::size_t>(o)];
    if (!std::isfinite(ws) || ws <= 0) fail(&n, "weight scale " + std::to_string(ws) + " is not a positive finite number");
    L.os.scale[static_cast<std::size_t>(o)] = static_cast<float>(ws);  // combined at the QuantizeLinear
  }
  const int bias_i = 2;  // Conv and Gemm alike
  if (n.input_size() > bias_i && !n.input(bias_i).empty()) {
    const Val& b = get(n, bias_i);
    if (b.kind != Val::kDeqConst || b.c.type != onnx::TensorProto::INT32) {
      fail(&n, "the bias must be an int32 constant behind a DequantizeLinear");
    }
    if (b.c.size() != static_cast<std::size_t>(out_c)) fail(&n, "the bias has the wrong length");
    for (double z : b.z.v) {
      if (z != 0) fail(&n, "the bias zero point must be 0");
    }
    for (int o = 0; o < out_c; ++o) {
      const float want = in.q.scale * L.os.scale[static_cast<std::size_t>(o)];
      const double bs = b.s.v[b.s.size() == 1 ? 0 : static_cast<std::size_t>(o)];
      if (std::fabs(bs - want) > 1e-6 * want) {
        std::ostringstream os;
        os << "bias scale " << bs << " is not input scale x weight scale (" << want << ") for channel " << o;
        fail(&n, os.str());
      }
      L.os.bias[static_cast<std::size_t>(o)] = static_cast<std::int32_t>(b.c.v[static_cast<std::size_t>(o)]);
    }
  }
  pending_.push_back(std::move(p));
  Val v;
  v.kind = Val::kPending;
  v.pending = static_cast<int>(pending_.size()) - 1;
  vals_[n.output(0)] = v;
}

void Importer::finish_pending(const onnx::NodeProto& n, int pending, QParams q, bool is_uint8) {
  Pending& p = pending_[static_cast<std::size_t>(pending)];
  Layer L = p.layer;
  if (L.output >= 0) fail(&n, "quantizes a float result twice");
  const Value& in = m_.values[static_cast<std::size_t>(p.float_inputs[0])];
  Value out;
  out.name = n.output(0);
  out.q = q;
  out.is_uint8 = is_uint8;
  auto qclamp = [&](float v) -> std::int32_t {
    if (v == -INFINITY) return -128;
    if (v == INFINITY) return 127;
    return quantize_value(v, q);
  };
  L.os.zp_out = q.zp;
  L.os.act_min = std::max(-128, qclamp(p.lo));
  L.os.act_max = std::min(127, qclamp(p.hi));
  if (L.os.act_min > L.os.act_max) fail(&n, "the fused clamp is empty");
  switch (L.op) {
    case Op::kConv:
      out.shape = {L.g.out_h(), L.g.out_w(), L.g.out_c};
      for (float& s : L.os.scale) s = combined_scale(in.q.scale, s, q.scale);
      break;
    case Op::kGemm:
      out.shape = {L.g.out_c};
      for (float& s : L.os.scale) s = combined_scale(in.q.scale, s, q.scale);
      break;
    case Op::kAdd:
      out.shape = in.shape;
      try {
        add_requant(in.q, m_.values[static_cast<std::size_t>(p.float_inputs[1])].q, q);
      } catch (const std::invalid_argument& e) {
        fail(&n, e.what());
      }
      break;
    case Op::kMaxPool:
      out.shape = {(in.shape[0] + L.pad_top + L.pad_bottom - L.kernel_h) / L.stride_h + 1,
                   (in.shape[1] + L.pad_left + L.pad_right - L.kernel_w) / L.stride_w + 1, in.shape[2]};
      if (out.shape[0] < 1 || out.shape[1] < 1 || L.kernel_h < 1 || L.kernel_w < 1 || L.stride_h < 1 || L.stride_w < 1) {
        fail(&n, "pooling window does not fit the input");
      }
      break;
    case Op::kGlobalAvgPool:
      out.shape = {1, 1, in.shape[2]};
      break;
    case Op::kFlatten: {
      int e = 1;
      for (int d : in.shape) e *= d;
      out.shape = {e};
      break;
    }
  }
  if (p.same_q && (q.scale != in.q.scale || q.zp != in.q.zp)) {
    fail(&n, std::string(op_name(L.op)) + " with different input and output quantization is not supported");
  }
  if ((L.op == Op::kMaxPool || L.op == Op::kFlatten) && (p.lo != -INFINITY || p.hi != INFINITY)) {
    fail(&n, "an activation fused into MaxPool/Flatten is not supported");
  }
  L.inputs = p.float_inputs;
  m_.values.push_back(out);
  L.output = static_cast<int>(m_.values.size()) - 1;
  p.layer.output = L.output;
  m_.layers.push_back(std::move(L));
  Val v;
  v.kind = Val::kQuant;
  v.q = m_.layers.back().output;
  vals_[n.output(0)] = v;
}

Model Importer::run() {
  std::ifstream f(path_, std::ios::binary);
  if (!f) throw ImportError(path_ + ": cannot open");
  onnx::ModelProto mp;
  if (!mp.ParseFromIstream(&f)) throw ImportError(path_ + ": not an ONNX model (protobuf parse failed)");
  std::int64_t opset = -1;
  for (const auto& o : mp.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
  }
  if (opset < 13) throw ImportError(path_ + ": opset " + std::to_string(opset) + " (13 or later is supported)");
  const onnx::GraphProto& gp = mp.graph();
  for (const auto& t : gp.initializer()) {
    Val v;
    v.c = tensor(t, nullptr);
    vals_[t.name()] = std::move(v);
  }
  for (const auto& in : gp.input()) {
    if (vals_.count(in.name())) continue;  // an initializer listed as an input
    if (!m_.input_name.empty()) throw ImportError(path_ + ": more than one graph input (" + in.name() + ")");
    m_.input_name = in.name();
    const auto& tt = in.type().tensor_type();
    if (tt.elem_type() != onnx::TensorProto::FLOAT) {
      throw ImportError(path_ + ": input " + in.name() + " is " + type_name(tt.elem_type()) + " (float32 only)");
    }
    const auto& dims = tt.shape().dim();
    if (dims.size() != 4 && dims.size() != 2) throw ImportError(path_ + ": input " + in.name() + " must be 4-D (NCHW) or 2-D");
    for (int i = 1; i < dims.size(); ++i) {
      if (!dims[i].has_dim_value() || dims[i].dim_value() < 1 || dims[i].dim_value() > 65536) {
        throw ImportError(path_ + ": input " + in.name() + " dimension " + std::to_string(i) + " must be a fixed size");
      }
      m_.input_chw.push_back(static_cast<int>(dims[i].dim_value()));
    }
    Val v;
    v.kind = Val::kFloatIn;
    vals_[in.name()] = v;
  }
  if (m_.input_name.empty()) throw ImportError(path_ + ": the graph has no input");
  for (const auto& n : gp.node()) node(n);
  if (gp.output_size() != 1) throw ImportError(path_ + ": the graph must have one output");
  m_.output_name = gp.output(0).name();
  const auto it = vals_.find(m_.output_name);
  if (it == vals_.end()) throw ImportError(path_ + ": the output " + m_.output_name + " is not produced");
  if (it->second.kind == Val::kDeq) {
    m_.output_float = true;
  } else if (it->second.kind == Val::kQuant) {
    m_.output_float = false;
  } else {
    throw ImportError(path_ + ": the output " + m_.output_name + " is not a quantized tensor or its DequantizeLinear");
  }
  m_.output = it->second.q;
  if (m_.layers.empty()) throw ImportError(path_ + ": no layers");
  for (const auto& p : pending_) {
    if (p.layer.output < 0) throw ImportError(path_ + ": node " + p.layer.node + ": its float result is never quantized");
  }
  return std::move(m_);
}

}  // namespace

std::int8_t quantize_value(float x, QParams q) {
  // ONNX QuantizeLinear, saturate(round_half_even(x / scale) + zero_point),
  // with x / scale computed as x * (1 / scale) in binary32, as PyTorch's
  // quantize_per_tensor does: the two differ when x / scale is within a
  // rounding error of a half-integer (1 of the 301,056 random inputs of
  // the ResNet-18 benchmark), and the reference is PyTorch's.
  const float r = std::nearbyint(x * (1.0f / q.scale));
  const double v = static_cast<double>(r) + q.zp;
  return static_cast<std::int8_t>(std::min(127.0, std::max(-128.0, v)));
}

Model import_onnx(const std::string& path) { return Importer(path).run(); }

std::vector<std::int8_t> quantize_input(const Model& m, const float* x, int n) {
  const Value& v = m.values.at(0);
  std::vector<std::int8_t> out(static_cast<std::size_t>(n) * m.elems(0));
  if (m.input_chw.size() == 3) {
    const int c = m.input_chw[0], h = m.input_chw[1], w = m.input_chw[2];
    for (int b = 0; b < n; ++b)
      for (int ci = 0; ci < c; ++ci)
        for (int y = 0; y < h; ++y)
          for (int xx = 0; xx < w; ++xx)
            out[((static_cast<std::size_t>(b) * h + y) * w + xx) * c + ci] =
                quantize_value(x[((static_cast<std::size_t>(b) * c + ci) * h + y) * w + xx], v.q);
  } else {
    for (std::size_t i = 0; i < out.size(); ++i) out[i] = quantize_value(x[i], v.q);
  }
  return out;
}

AddRequant add_requant(QParams qa, QParams qb, QParams qy) {
  // PyTorch's quantized add (qnnpack engine) in fixed point: each input's
  // scale over the output's, in binary32, as an integer multiplier of up to
  // 22 bits, both sharing the shift that puts the larger in [2^21, 2^22).
  const float ra = qa.scale / qy.scale, rb = qb.scale / qy.scale;
  const float big = std::max(ra, rb);
  std::uint32_t bits;
  std::memcpy(&bits, &big, 4);
  const int exponent = static_cast<int>(bits >> 23) - 127;
  AddRequant r;
  r.shift = 21 - exponent;
  if (!(ra >= 0x1p-14f && rb >= 0x1p-14f && big < 0x1p+8f) || r.shift < 13 || r.shift > 31) {
    std::ostringstream os;
    os << "input-to-output scale ratios " << ra << " and " << rb
       << " outside what the add supports (each at least 2^-14, the larger in [2^-10, 2^8))";
    throw std::invalid_argument(os.str());
  }
  const float to_fixed = std::ldexp(1.0f, r.shift);  // exact: a power of two
  r.mult_a = static_cast<std::int32_t>(std::nearbyint(ra * to_fixed));
  r.mult_b = static_cast<std::int32_t>(std::nearbyint(rb * to_fixed));
  return r;
}

void add_q(const std::int8_t* a, QParams qa, const std::int8_t* b, QParams qb, QParams qy, std::size_t n,
           std::int8_t* y) {
  const AddRequant r = add_requant(qa, qb, qy);
  for (std::size_t i = 0; i < n; ++i) {
    // |products| < 2^8 * 2^22 each: the sum fits int32 (qnnpack's range)
    const std::int32_t acc = r.mult_a * (a[i] - qa.zp) + r.mult_b * (b[i] - qb.zp);
    // acc / 2^shift, rounded half away from zero: the floor, plus one if
    // the remainder is above half (at least half for a non-negative acc)
    const std::int32_t mask = (std::int32_t{1} << r.shift) - 1;
    const std::int32_t rem = (acc & mask) - (acc < 0 ? 1 : 0);
    const std::int32_t q = (acc >> r.shift) + (rem > (mask >> 1) ? 1 : 0);
    y[i] = static_cast<std::int8_t>(std::min(127, std::max(-128, q + qy.zp)));
  }
}

void global_avg_pool_q(const std::int8_t* x, QParams qx, int n, int hw, int c, QParams qy, std::int8_t* y) {
  // The exact sum of (x - zp) rescaled like a requantized accumulator:
  // round_half_even(float32(sum) * float32((sx / sy) / hw)), PyTorch's
  // quantized adaptive average pool (checked against it: 0 of 128,000
  // outputs differ on the Fashion-MNIST model).
  const float scale = (qx.scale / qy.scale) / static_cast<float>(hw);
  for (int b = 0; b < n; ++b) {
    for (int ci = 0; ci < c; ++ci) {
      std::int32_t sum = 0;
      for (int i = 0; i < hw; ++i) sum += x[(static_cast<std::size_t>(b) * hw + i) * c + ci] - qx.zp;
      y[static_cast<std::size_t>(b) * c + ci] = ref::requantize_float(sum, 0, scale, qy.zp, -128, 127);
    }
  }
}

namespace {
// One layer on the golden kernels or the host operators: t[L.output] from
// t[L.inputs].
void run_layer_ref(const Model& m, const Layer& L, std::vector<std::vector<std::int8_t>>& t, int n) {
  {
    const Value& in = m.values[static_cast<std::size_t>(L.inputs[0])];
    const Value& out = m.values[static_cast<std::size_t>(L.output)];
    std::vector<std::int8_t>& y = t[static_cast<std::size_t>(L.output)];
    y.assign(static_cast<std::size_t>(n) * m.elems(L.output), 0);
    const std::vector<std::int8_t>& x = t[static_cast<std::size_t>(L.inputs[0])];
    switch (L.op) {
      case Op::kConv:
      case Op::kGemm: {
        ref::ConvGeometry g = L.g;
        g.batch = n;
        ref::conv2d_i8(g, x.data(), L.weights.data(), in.q.zp, L.os, y.data());
        break;
      }
      case Op::kAdd: {
        const Value& in2 = m.values[static_cast<std::size_t>(L.inputs[1])];
        add_q(x.data(), in.q, t[static_cast<std::size_t>(L.inputs[1])].data(), in2.q, out.q, y.size(), y.data());
        for (auto& v : y) v = static_cast<std::int8_t>(std::min<int>(std::max<int>(v, L.os.act_min), L.os.act_max));
        break;
      }
      case Op::kMaxPool: {
        const int h = in.shape[0], w = in.shape[1], c = in.shape[2];
        const int oh = out.shape[0], ow = out.shape[1];
        for (int b = 0; b < n; ++b)
          for (int oy = 0; oy < oh; ++oy)
            for (int ox = 0; ox < ow; ++ox)
              for (int ci = 0; ci < c; ++ci) {
                int best = -129;
                for (int ky = 0; ky < L.kernel_h; ++ky)
                  for (int kx = 0; kx < L.kernel_w; ++kx) {
                    const int iy = oy * L.stride_h - L.pad_top + ky, ix = ox * L.stride_w - L.pad_left + kx;
                    if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;  // padding never wins
                    best = std::max<int>(best, x[((static_cast<std::size_t>(b) * h + iy) * w + ix) * c + ci]);
                  }
                y[((static_cast<std::size_t>(b) * oh + oy) * ow + ox) * c + ci] = static_cast<std::int8_t>(best);
              }
        break;
      }
      case Op::kGlobalAvgPool:
        global_avg_pool_q(x.data(), in.q, n, in.shape[0] * in.shape[1], in.shape[2], out.q, y.data());
        break;
      case Op::kFlatten: {
        // the graph's order is NCHW: channel-major
        if (in.shape.size() == 3) {
          const int h = in.shape[0], w = in.shape[1], c = in.shape[2];
          for (int b = 0; b < n; ++b)
            for (int ci = 0; ci < c; ++ci)
              for (int i = 0; i < h * w; ++i)
                y[(static_cast<std::size_t>(b) * c + ci) * h * w + i] = x[(static_cast<std::size_t>(b) * h * w + i) * c + ci];
        } else {
          y = x;
        }
        break;
      }
    }
  }
}
}  // namespace

std::vector<std::vector<std::int8_t>> run_reference(const Model& m, const std::vector<std::int8_t>& input, int n) {
  std::vector<std::vector<std::int8_t>> t(m.values.size());
  t[0] = input;
  for (const Layer& L : m.layers) run_layer_ref(m, L, t, n);
  return t;
}

namespace {
std::uint64_t layer_macs(const Layer& L, const Value& out, int n) {
  if (L.op != Op::kConv && L.op != Op::kGemm) return 0;
  const std::uint64_t per_out = static_cast<std::uint64_t>(L.g.kernel_h) * L.g.kernel_w * (L.g.in_c / L.g.groups);
  std::uint64_t outs = static_cast<std::uint64_t>(n);
  for (int d : out.shape) outs *= static_cast<std::uint64_t>(d);
  return outs * per_out;
}
}  // namespace

std::vector<std::vector<std::int8_t>> run_device(Session& s, const Model& m, const std::vector<std::int8_t>& input,
                                                 int n, std::vector<LayerRun>* runs, const Timeout& timeout) {
  std::vector<std::vector<std::int8_t>> t(m.values.size());
  t[0] = input;
  for (const Layer& L : m.layers) {
    LayerRun r;
    r.layer = &L;
    const Value& in = m.values[static_cast<std::size_t>(L.inputs[0])];
    std::vector<std::int8_t>& y = t[static_cast<std::size_t>(L.output)];
    y.assign(static_cast<std::size_t>(n) * m.elems(L.output), 0);
    if (L.op == Op::kConv || L.op == Op::kGemm) {
      ConvProblem p;
      p.g = L.g;
      p.g.batch = n;
      p.input = t[static_cast<std::size_t>(L.inputs[0])].data();
      p.weights = L.weights.data();
      p.zp_in = in.q.zp;
      p.os = L.os;
      const GemmStats st = conv2d(s, p, y.data(), timeout);
      r.on_device = true;
      r.cycles = st.perf.cycles;
      r.dram_bytes = st.perf.bytes_read + st.perf.bytes_written;
      r.useful_macs = layer_macs(L, m.values[static_cast<std::size_t>(L.output)], n);
    } else {
      run_layer_ref(m, L, t, n);
    }
    if (runs) runs->push_back(r);
  }
  return t;
}

std::vector<float> dequantize_output(const Model& m, const std::vector<std::int8_t>& out, int n) {
  const Value& v = m.values.at(static_cast<std::size_t>(m.output));
  std::vector<float> f(out.size());
  const std::size_t per = m.elems(m.output);
  for (int b = 0; b < n; ++b) {
    for (std::size_t i = 0; i < per; ++i) {
      std::size_t src = static_cast<std::size_t>(b) * per + i;
      if (v.shape.size() == 3) {  // NHWC -> NCHW
        const std::size_t h = static_cast<std::size_t>(v.shape[0]), w = static_cast<std::size_t>(v.shape[1]),
                          c = static_cast<std::size_t>(v.shape[2]);
        const std::size_t ci = i / (h * w), yx = i % (h * w);
        src = static_cast<std::size_t>(b) * per + yx * c + ci;
      }
      f[static_cast<std::size_t>(b) * per + i] = static_cast<float>(out[src] - v.q.zp) * v.q.scale;
    }
  }
  return f;
}

}  // namespace abacus::model
