// Malformed quantized ONNX models through the importer: a one-line
// ImportError, never a crash. Built with AddressSanitizer
// (abacus_model_asan_test), so a read past a buffer fails the test.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>

#include <onnx/onnx_pb.h>

#include "abacus/onnx_model.hpp"
#include "common/seed.hpp"

namespace {

using namespace abacus;

const std::string kFashion = std::string(ABACUS_MODELS_DIR) + "/fashion/fashion_cnn.onnx";
// (the second model has the per-channel weights, AveragePool, Pad and Concat)
const std::string kOps = std::string(ABACUS_MODELS_DIR) + "/ops/ops_cnn.onnx";

// Bad models: a one-line error naming the problem, never a crash.
std::string import_error(const std::string& path) {
  try {
    model::import_onnx(path);
  } catch (const model::ImportError& e) {
    return e.what();
  }
  return "";
}

std::string write_temp(const std::string& name, const std::string& bytes) {
  const std::string path = ::testing::TempDir() + name;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

std::string read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

TEST(ModelImport, BadFilesGiveOneLineErrors) {
  EXPECT_NE(import_error("/nonexistent.onnx").find("cannot open"), std::string::npos);
  EXPECT_NE(import_error(write_temp("junk.onnx", "not a model at all")).find("not an ONNX model"), std::string::npos);
  const std::string good = read_file(kFashion);
  ASSERT_GT(good.size(), 1000u);
  EXPECT_FALSE(import_error(write_temp("trunc.onnx", good.substr(0, good.size() / 2))).empty());
}

// Hundreds of copies of the two models with bytes flipped: each either imports
// or fails with an ImportError; nothing else escapes (run under
// AddressSanitizer by make fuzz-style builds; here: no crash, no other
// exception).
TEST(ModelImport, MutatedModelsNeverCrash) {
  const std::uint64_t seed = sim::test_seed("ModelImport.MutatedModelsNeverCrash");
  std::mt19937_64 rng(seed);
  int rejected = 0;
  for (int i = 0; i < 300; ++i) {
    std::string b = read_file(i % 2 ? kOps : kFashion);
    const int flips = 1 + static_cast<int>(rng() % 8);
    for (int f = 0; f < flips; ++f) b[rng() % b.size()] = static_cast<char>(rng());
    const std::string path = write_temp("mut.onnx", b);
    try {
      model::import_onnx(path);
    } catch (const model::ImportError&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "mutation " << i << " (seed " << seed << "): " << e.what();
    }
  }
  std::printf("%d of 300 mutated models rejected, seed %llu\n", rejected, static_cast<unsigned long long>(seed));
  EXPECT_GT(rejected, 30);
}


// Hundreds of copies with one field changed through ONNX's own classes
// (a dimension, an element type, an attribute, a raw-data length, an
// input name, an operator): each imports or is an ImportError. Both
// models from PyTorch, alternately.
TEST(ModelImport, ModelsWithChangedFieldsNeverCrash) {
  const std::uint64_t seed = sim::test_seed("ModelImport.ModelsWithChangedFieldsNeverCrash");
  std::mt19937_64 rng(seed);
  onnx::ModelProto good[2];
  for (int k = 0; k < 2; ++k) {
    std::ifstream f(k ? kOps : kFashion, std::ios::binary);
    ASSERT_TRUE(good[k].ParseFromIstream(&f));
  }
  int rejected = 0;
  const char* ops[] = {"Conv", "Relu", "Softmax", "QuantizeLinear", "DequantizeLinear", "Add", "LSTM"};
  for (int i = 0; i < 300; ++i) {
    onnx::ModelProto m = good[i % 2];
    onnx::GraphProto* g = m.mutable_graph();
    onnx::NodeProto* n = g->mutable_node(static_cast<int>(rng() % static_cast<unsigned>(g->node_size())));
    const int what = static_cast<int>(rng() % 7);
    if (what == 0) {
      n->set_op_type(ops[rng() % 7]);
    } else if (what == 1 && n->input_size() > 0) {
      n->set_input(static_cast<int>(rng() % static_cast<unsigned>(n->input_size())), rng() % 2 ? "" : "nowhere");
    } else if (what == 2 && n->attribute_size() > 0) {
      onnx::AttributeProto* a = n->mutable_attribute(static_cast<int>(rng() % static_cast<unsigned>(n->attribute_size())));
      if (a->ints_size() > 0) a->set_ints(0, static_cast<std::int64_t>(rng() % 7) - 2);
      a->set_i(static_cast<std::int64_t>(rng() % 7) - 2);
      if (a->has_t()) {
        onnx::TensorProto* t = a->mutable_t();
        if (t->dims_size() > 0) t->set_dims(0, static_cast<std::int64_t>(rng() % 40) - 3);
        else t->add_dims(static_cast<std::int64_t>(rng() % 5));
      }
    } else if (what == 3 && n->attribute_size() > 0 && n->attribute(0).has_t()) {
      n->mutable_attribute(0)->mutable_t()->set_data_type(static_cast<int>(rng() % 17));
    } else if (what == 4 && n->attribute_size() > 0 && n->attribute(0).has_t()) {
      std::string* raw = n->mutable_attribute(0)->mutable_t()->mutable_raw_data();
      raw->resize(raw->size() / (1 + rng() % 3));
    } else if (what == 5) {
      m.mutable_opset_import(0)->set_version(static_cast<std::int64_t>(rng() % 20));
    } else {
      g->mutable_input(0)->mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim(
          static_cast<int>(rng() % 4))->set_dim_value(static_cast<std::int64_t>(rng() % 70) - 3);
    }
    const std::string path = ::testing::TempDir() + "field.onnx";
    {
      std::ofstream f(path, std::ios::binary);
      ASSERT_TRUE(m.SerializeToOstream(&f));
    }
    try {
      model::import_onnx(path);
    } catch (const model::ImportError&) {
      ++rejected;
    } catch (const std::exception& e) {
      ADD_FAILURE() << "change " << i << " (kind " << what << ", seed " << seed << "): " << e.what();
    }
  }
  std::printf("%d of 300 changed models rejected, seed %llu\n", rejected, static_cast<unsigned long long>(seed));
  EXPECT_GT(rejected, 100);
}

}  // namespace
