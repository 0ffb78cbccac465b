// PLACEHOLDER until the reference kernels land.
#include "kernels/fast.h"
namespace eqw::kernels {
Result<KernelPtr> makeReferenceKernel(const Node& node, const std::vector<Shape>&, const std::vector<Shape>&) {
  return unsupported(std::string("no kernel yet for ") + toString(node.kind));
}
Result<KernelPtr> makeKernel(const Node& node, const std::vector<Shape>& in, const std::vector<Shape>& out, Isa isa) {
  auto fast = makeFastKernel(node, in, out, isa);
  if (!fast) return fast.status();
  if (*fast) return std::move(fast.value());
  return makeReferenceKernel(node, in, out);
}
}  // namespace eqw::kernels
