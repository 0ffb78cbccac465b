// Helpers for the fast-kernel tests: every fast kernel is run against makeReferenceKernel on the
// same node and input, at every ISA level the CPU runs.
#pragma once

#include <eqw/cpu.h>
#include <eqw/graph.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "core/parallel.h"
#include "kernels/kernel.h"

namespace eqw::testing {

// The ISA levels with their own fast-kernel family (AVX2 and AVX-512), whether or not the CPU
// runs them: tests GTEST_SKIP the unsupported ones by name.
std::vector<Isa> fastIsaLevels();

Node makeFastNode(OpKind kind, OpParams params, std::vector<Tensor> weights = {}, int inputs = 1);

Tensor randomTensor(const Shape& shape, std::mt19937& rng, float lo = -1.f, float hi = 1.f);

// Output shapes of node for inputs (updates node params as shape inference does); false with a
// gtest failure when inference refuses them.
bool inferShapes(Node& node, const std::vector<Tensor>& inputs, std::vector<Shape>* outShapes);

// Runs kernel once on inputs into fresh outputs; the status is returned through *status.
std::vector<Tensor> runKernel(kernels::OpKernel& kernel, const std::vector<Tensor>& inputs,
                              const std::vector<Shape>& outShapes, const ThreadPool* pool, Status* status);

// Largest |got - want| over the tensor, divided by max(max |want|, floor): a relative error
// that a wrong index or a missed term pushes to O(1), and float rounding keeps near 1e-6.
double relativeError(const Tensor& got, const Tensor& want, double floor = 1e-3);

// Builds the reference and the fast kernel of node at isa and compares one run (the fast one on
// pool). Returns the fast kernel's name ("" when no fast kernel was made). Failures are reported
// through gtest with `what` in the message.
std::string compareWithReference(const Node& node, const std::vector<Tensor>& inputs, Isa isa, double tol,
                                 const std::string& what, const ThreadPool* pool = nullptr);

}  // namespace eqw::testing
