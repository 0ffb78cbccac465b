// Helpers for the reference-kernel tests: build a node, run its reference kernel, compare.
#pragma once

#include <eqw/graph.h>
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "kernels/kernel.h"

namespace eqw::testing {

inline Node makeNode(OpKind kind, OpParams params, std::vector<Tensor> weights = {}, int outputs = 1) {
  Node n;
  n.name = "n";
  n.kind = kind;
  n.params = std::move(params);
  n.weights = std::move(weights);
  for (int i = 0; i < outputs; ++i) n.outputs.push_back(i);
  return n;
}

inline Tensor randomTensor(Shape shape, uint32_t seed, float lo = -1.f, float hi = 1.f) {
  Tensor t(std::move(shape));
  std::mt19937 rng(seed);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = dist(rng);
  return t;
}

inline std::vector<float> values(const Tensor& t) { return std::vector<float>(t.f32(), t.f32() + t.numel()); }

// Infers the node's output shapes, builds its reference kernel and runs it once. The node is
// updated with resolved params. Failures are reported through gtest and give empty outputs.
inline std::vector<Tensor> runRef(Node& node, const std::vector<Tensor>& inputs, std::string* error = nullptr) {
  std::vector<Shape> inShapes;
  for (const auto& t : inputs) inShapes.push_back(t.shape());
  std::vector<Shape> outShapes(node.outputs.size());
  Status s = inferNodeShapes(node, inShapes, outShapes);
  if (!s.isOk()) {
    if (error) *error = s.message();
    else ADD_FAILURE() << s.toString();
    return {};
  }
  auto k = kernels::makeReferenceKernel(node, inShapes, outShapes);
  if (!k) {
    if (error) *error = k.status().message();
    else ADD_FAILURE() << k.status().toString();
    return {};
  }
  std::vector<Tensor> outs;
  for (const auto& shape : outShapes) outs.push_back((*k)->isView() ? Tensor() : Tensor(shape));
  std::vector<const Tensor*> in;
  for (const auto& t : inputs) in.push_back(&t);
  std::vector<Tensor*> out;
  for (auto& t : outs) out.push_back(&t);
  Status r = (*k)->run(in, out, kernels::ExecContext{});
  if (!r.isOk()) {
    if (error) *error = r.message();
    else ADD_FAILURE() << r.toString();
    return {};
  }
  return outs;
}

inline void expectClose(const Tensor& got, const Shape& shape, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(toString(got.shape()), toString(shape));
  ASSERT_EQ(got.numel(), static_cast<int64_t>(want.size()));
  for (size_t i = 0; i < want.size(); ++i) {
    const float scale = std::max(1.f, std::fabs(want[i]));
    ASSERT_NEAR(got.f32()[i], want[i], tol * scale) << "at flat index " << i;
  }
}

inline void expectClose(const Tensor& got, const Tensor& want, float tol = 1e-5f) {
  expectClose(got, want.shape(), values(want), tol);
}

// Named tensors from a tests/data file: "tensor <name> <dims...>" then the values.
inline std::map<std::string, Tensor> loadCase(const std::string& name) {
  std::map<std::string, Tensor> result;
  const std::string path = std::string(EQW_SOURCE_DIR) + "/tests/data/reference_kernels/" + name + ".txt";
  std::ifstream f(path);
  if (!f) {
    ADD_FAILURE() << "cannot open " << path;
    return result;
  }
  std::string line;
  while (std::getline(f, line)) {
    if (line.rfind("tensor ", 0) != 0) continue;
    std::istringstream head(line.substr(7));
    std::string key;
    head >> key;
    Shape shape;
    for (int64_t d; head >> d;) shape.push_back(d);
    std::vector<float> v;
    std::getline(f, line);
    std::istringstream body(line);
    for (float x; body >> x;) v.push_back(x);
    if (static_cast<int64_t>(v.size()) != numel(shape)) {
      ADD_FAILURE() << path << ": tensor " << key << " has " << v.size() << " values for " << toString(shape);
      continue;
    }
    result[key] = Tensor::fromVector(shape, v);
  }
  return result;
}

}  // namespace eqw::testing
