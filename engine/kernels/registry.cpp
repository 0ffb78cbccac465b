// PLACEHOLDER until the reference kernels land.
#include "kernels/kernel.h"
namespace eqw::kernels {
Result<KernelPtr> makeReferenceKernel(const Node& node, const std::vector<Shape>&, const std::vector<Shape>&) {
  return unsupported(std::string("no kernel yet for ") + toString(node.kind));
}
Result<KernelPtr> makeKernel(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out, Isa) {
  return makeReferenceKernel(node, in, out);
}
}  // namespace eqw::kernels
