#include "fast_test_util.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "kernels/fast.h"

namespace eqw::testing {

std::vector<Isa> fastIsaLevels() { return {Isa::Avx2, Isa::Avx512}; }

Node makeFastNode(OpKind kind, OpParams params, std::vector<Tensor> weights, int inputs) {
  Node n;
  n.name = "fast_test";
  n.kind = kind;
  n.params = std::move(params);
  n.weights = std::move(weights);
  for (int i = 0; i < inputs; ++i) n.inputs.push_back(i);
  n.outputs.push_back(inputs);
  return n;
}

Tensor randomTensor(const Shape& shape, std::mt19937& rng, float lo, float hi) {
  Tensor t(shape);
  std::uniform_real_distribution<float> dist(lo, hi);
  for (int64_t i = 0; i < t.numel(); ++i) t.f32()[i] = dist(rng);
  return t;
}

bool inferShapes(Node& node, const std::vector<Tensor>& inputs, std::vector<Shape>* outShapes) {
  std::vector<Shape> in;
  for (const auto& t : inputs) in.push_back(t.shape());
  outShapes->assign(node.outputs.size(), Shape{});
  Status s = inferNodeShapes(node, in, *outShapes);
  if (!s.isOk()) ADD_FAILURE() << "shape inference: " << s.toString();
  return s.isOk();
}

std::vector<Tensor> runKernel(kernels::OpKernel& kernel, const std::vector<Tensor>& inputs,
                              const std::vector<Shape>& outShapes, const ThreadPool* pool, Status* status) {
  std::vector<Tensor> outs;
  for (const auto& s : outShapes) outs.emplace_back(s);
  // Garbage in the outputs: a kernel that skips an element must not pass by luck.
  for (auto& t : outs) t.fill(std::nanf(""));
  std::vector<const Tensor*> in;
  for (const auto& t : inputs) in.push_back(&t);
  std::vector<Tensor*> out;
  for (auto& t : outs) out.push_back(&t);
  kernels::ExecContext ctx;
  ctx.pool = pool;
  *status = kernel.run(in, out, ctx);
  return outs;
}

double relativeError(const Tensor& got, const Tensor& want, double floor) {
  if (got.numel() != want.numel()) return INFINITY;
  double maxWant = floor, maxDiff = 0.0;
  for (int64_t i = 0; i < want.numel(); ++i) {
    const double w = want.f32()[i], g = got.f32()[i];
    if (std::isnan(w) != std::isnan(g)) return INFINITY;
    if (std::isinf(w) || std::isinf(g)) {
      if (w != g) return INFINITY;
      continue;
    }
    maxWant = std::max(maxWant, std::fabs(w));
    maxDiff = std::max(maxDiff, std::fabs(g - w));
  }
  return maxDiff / maxWant;
}

std::string compareWithReference(const Node& node, const std::vector<Tensor>& inputs, Isa isa, double tol,
                                 const std::string& what, const ThreadPool* pool) {
  Node n = node;
  std::vector<Shape> outShapes;
  if (!inferShapes(n, inputs, &outShapes)) return "";
  std::vector<Shape> inShapes;
  for (const auto& t : inputs) inShapes.push_back(t.shape());
  auto ref = kernels::makeReferenceKernel(n, inShapes, outShapes);
  if (!ref) {
    ADD_FAILURE() << what << ": reference kernel: " << ref.status().toString();
    return "";
  }
  auto fast = kernels::makeFastKernel(n, inShapes, outShapes, isa);
  if (!fast) {
    ADD_FAILURE() << what << ": fast kernel: " << fast.status().toString();
    return "";
  }
  if (!*fast) return "";
  Status s;
  auto want = runKernel(**ref, inputs, outShapes, nullptr, &s);
  if (!s.isOk()) {
    ADD_FAILURE() << what << ": reference run: " << s.toString();
    return "";
  }
  auto got = runKernel(**fast, inputs, outShapes, pool, &s);
  if (!s.isOk()) {
    ADD_FAILURE() << what << ": " << (*fast)->name() << " run: " << s.toString();
    return "";
  }
  for (size_t i = 0; i < want.size(); ++i) {
    const double err = relativeError(got[i], want[i]);
    EXPECT_LE(err, tol) << what << ": " << (*fast)->name() << " output " << i << " differs from the reference";
  }
  return (*fast)->name();
}

}  // namespace eqw::testing
