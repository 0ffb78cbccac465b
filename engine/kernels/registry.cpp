// The kernel registry: an explicit switch from op kind to reference kernel (STYLE.md 3), and
// makeKernel, which asks the fast kernels first and falls back to the reference.
#include <exception>
#include <new>
#include <variant>

#include "kernels/fast.h"
#include "kernels/int8/q8_kernels.h"
#include "kernels/reference/ref_kernel.h"

namespace eqw::kernels {

namespace {

Result<KernelPtr> makeByKind(const Node& n, const std::vector<Shape>& in, const std::vector<Shape>& out) {
  using namespace ref;
  switch (n.kind) {
    case OpKind::Input: return makeInput(n, in, out);
    case OpKind::Convolution: return makeConvolution(n, in, out);
    case OpKind::Deconvolution: return makeDeconvolution(n, in, out);
    case OpKind::InnerProduct: return makeInnerProduct(n, in, out);
    case OpKind::MatMul: return makeMatMul(n, in, out);
    case OpKind::Pooling: return makePooling(n, in, out);
    case OpKind::Activation: return makeActivation(n, in, out);
    case OpKind::PReLU: return makePReLU(n, in, out);
    case OpKind::BatchNorm: return makeBatchNorm(n, in, out);
    case OpKind::Scale: return makeScale(n, in, out);
    case OpKind::Eltwise: return makeEltwise(n, in, out);
    case OpKind::Binary: return makeBinary(n, in, out);
    case OpKind::Unary: return makeUnary(n, in, out);
    case OpKind::Concat: return makeConcat(n, in, out);
    case OpKind::Split: return makeSplit(n, in, out);
    case OpKind::Slice: return makeSlice(n, in, out);
    case OpKind::Crop: return makeCrop(n, in, out);
    case OpKind::Softmax: return makeSoftmax(n, in, out);
    case OpKind::Flatten: return makeFlatten(n, in, out);
    case OpKind::Reshape: return makeReshape(n, in, out);
    case OpKind::Permute: return makePermute(n, in, out);
    case OpKind::Padding: return makePadding(n, in, out);
    case OpKind::ShuffleChannel: return makeShuffleChannel(n, in, out);
    case OpKind::Interp: return makeInterp(n, in, out);
    case OpKind::LRN: return makeLRN(n, in, out);
    case OpKind::Normalize: return makeNormalize(n, in, out);
    case OpKind::PriorBox: return makePriorBox(n, in, out);
    case OpKind::DetectionOutput: return makeDetectionOutput(n, in, out);
    case OpKind::Reduce: return makeReduce(n, in, out);
    case OpKind::LayerNorm: return makeLayerNorm(n, in, out);
    case OpKind::Identity: return makeIdentity(n, in, out);
    case OpKind::FakeQuant: return makeFakeQuant(n, in, out);
  }
  return unsupported(ref::nodeLabel(n) + ": no reference kernel for op kind " + std::to_string(static_cast<int>(n.kind)));
}

}  // namespace

Result<Node> resolveNode(const Node& node, const std::vector<Shape>& inShapes, const std::vector<Shape>& outShapes) {
  try {
    Node resolved = node;
    std::vector<Shape> inferred = outShapes;
    // A residual output's integer twin (NodeQuant::twin_scale): a second output of the first's shape.
    const bool twin = node.quant.twin_scale > 0.f && outShapes.size() == 2 && outShapes[1] == outShapes[0];
    if (twin) inferred.pop_back();
    EQW_RETURN_IF_ERROR(inferNodeShapes(resolved, inShapes, inferred));
    if (twin) inferred.push_back(inferred[0]);
    if (inferred != outShapes) {
      std::string got, want;
      for (const auto& s : inferred) got += toString(s) + " ";
      for (const auto& s : outShapes) want += toString(s) + " ";
      return shapeError(ref::nodeLabel(node) + ": kernel requested with output shapes " + want + "but the inputs give " + got);
    }
    return resolved;
  } catch (const std::bad_alloc&) {
    return internalError(ref::nodeLabel(node) + ": out of memory while resolving its shapes");
  } catch (const std::bad_variant_access&) {
    return internalError(ref::nodeLabel(node) + ": parameters do not belong to op kind " + toString(node.kind));
  }
}

namespace {

Result<KernelPtr> referenceForResolved(const Node& resolved, const std::vector<Shape>& inShapes, const std::vector<Shape>& outShapes) {
  try {
    Result<KernelPtr> k = resolved.quant.active() ? q8::makeQ8Reference(resolved, inShapes, outShapes)
                                                  : makeByKind(resolved, inShapes, outShapes);
    if (k && !*k) return internalError(ref::nodeLabel(resolved) + ": reference kernel factory returned nothing");
    return k;
  } catch (const std::bad_alloc&) {
    return internalError(ref::nodeLabel(resolved) + ": out of memory while building its reference kernel");
  } catch (const std::bad_variant_access&) {
    return internalError(ref::nodeLabel(resolved) + ": parameters do not belong to op kind " + toString(resolved.kind));
  } catch (const std::exception& e) {
    return internalError(ref::nodeLabel(resolved) + ": " + e.what());
  }
}

}  // namespace

Result<KernelPtr> makeReferenceKernel(const Node& node, const std::vector<Shape>& inShapes, const std::vector<Shape>& outShapes) {
  Result<Node> resolved = resolveNode(node, inShapes, outShapes);
  if (!resolved) return resolved.status();
  return referenceForResolved(*resolved, inShapes, outShapes);
}

// Resolves once, then the fast kernel if there is one, else the reference.
Result<KernelPtr> makeKernel(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out, Isa isa) {
  Result<Node> resolved = resolveNode(node, in, out);
  if (!resolved) return resolved.status();
  auto fast = resolved->quant.active() ? q8::makeQ8Fast(*resolved, in, out, isa) : makeFastKernelResolved(*resolved, in, out, isa);
  if (!fast) return fast.status();
  if (*fast) return std::move(fast.value());
  return referenceForResolved(*resolved, in, out);
}

}  // namespace eqw::kernels
