// Gemm and MatMul. A Gemm with constant B becomes an InnerProduct when A is one row (the
// classifier of a CNN), otherwise a MatMul with B as weights; transposes, alpha, beta and a
// full [M, N] C become extra Permute / Binary nodes.
#include "io/onnx/converters.h"

namespace eqw::onnximport {

namespace {

Node helperNode(const OnnxNode& n, const std::string& suffix, OpKind kind, OpParams params) {
  Node node;
  node.name = suffix.empty() ? n.name : n.name + "/" + suffix;
  node.source_type = n.op;
  node.kind = kind;
  node.params = std::move(params);
  return node;
}

Node transposeNode(const OnnxNode& n, const std::string& suffix) {
  return helperNode(n, suffix, OpKind::Permute, PermuteParams{{1, 0}});
}

Node scalarNode(const OnnxNode& n, const std::string& suffix, BinaryOpKind op, float s) {
  BinaryParams p;
  p.op = op;
  p.with_scalar = true;
  p.scalar = s;
  return helperNode(n, suffix, OpKind::Binary, p);
}

// y = x + beta * c for a constant c of any broadcastable shape.
Node addConstNode(const OnnxNode& n, const ConstTensor& c, float beta) {
  if (c.numel() == 1) return scalarNode(n, "", BinaryOpKind::Add, beta * static_cast<float>(c.get(0)));
  Node node = helperNode(n, "", OpKind::Binary, BinaryParams{});
  std::vector<float> v = c.asFloats();
  for (float& x : v) x *= beta;
  node.weights.push_back(Tensor::fromVector(c.dims.empty() ? Shape{1} : c.dims, v));
  return node;
}

struct GemmAttrs {
  float alpha = 1.f, beta = 1.f;
  bool transA = false, transB = false;
};

// C as a bias row [N] (scalar, [N] or [1, N]); false when C is a full matrix.
bool biasRow(const ConstTensor& c, int64_t N, std::vector<float>& row, float beta) {
  const bool scalar = c.numel() == 1;
  const bool vec = c.numel() == N && (c.dims == Shape{N} || c.dims == Shape{1, N});
  if (!scalar && !vec) return false;
  row.assign(static_cast<size_t>(N), 0.f);
  for (int64_t k = 0; k < N; ++k) row[k] = beta * static_cast<float>(c.get(scalar ? 0 : k));
  return true;
}

Status gemmConstB(ImportContext& ctx, const OnnxNode& n, const GemmAttrs& g, int a, const ConstTensor& b) {
  if (b.dims.size() != 2) return ctx.invalid(n, "B must be 2-D, has dims " + toString(b.dims));
  const int64_t K = g.transB ? b.dims[1] : b.dims[0];
  const int64_t N = g.transB ? b.dims[0] : b.dims[1];
  // op(B) * alpha as [K, N], row-major.
  std::vector<float> kn(static_cast<size_t>(K * N));
  for (int64_t k = 0; k < K; ++k)
    for (int64_t j = 0; j < N; ++j)
      kn[k * N + j] = g.alpha * static_cast<float>(b.get(g.transB ? j * K + k : k * N + j));

  const ConstTensor* c = n.hasInput(2) ? ctx.constant(n.in(2)) : nullptr;
  const bool dynamicC = n.hasInput(2) && !c;
  std::vector<float> row;
  const bool cIsRow = c && biasRow(*c, N, row, g.beta);
  auto aShape = ctx.shapeOf(a);
  const int64_t M = aShape && aShape->size() == 2 ? (*aShape)[g.transA ? 1 : 0] : -1;

  if (!g.transA && M == 1 && !dynamicC && (!c || cIsRow)) {
    InnerProductParams p;
    p.num_output = static_cast<int>(N);
    p.bias = cIsRow;
    Node node = helperNode(n, "", OpKind::InnerProduct, p);
    std::vector<float> nk(static_cast<size_t>(K * N));
    for (int64_t k = 0; k < K; ++k)
      for (int64_t j = 0; j < N; ++j) nk[j * K + k] = kn[k * N + j];
    node.weights.push_back(Tensor::fromVector({N, K}, nk));
    if (cIsRow) node.weights.push_back(Tensor::fromVector({N}, row));
    return emitSequence(ctx, {std::move(node)}, a, ctx.output(n));
  }

  std::vector<Node> seq;
  if (g.transA) seq.push_back(transposeNode(n, "transA"));
  MatMulParams mp;
  mp.bias = cIsRow;
  Node mm = helperNode(n, (c && !cIsRow) || dynamicC ? "matmul" : "", OpKind::MatMul, mp);
  mm.weights.push_back(Tensor::fromVector({K, N}, kn));
  if (cIsRow) mm.weights.push_back(Tensor::fromVector({N}, row));
  seq.push_back(std::move(mm));
  if (c && !cIsRow) seq.push_back(addConstNode(n, *c, g.beta));
  if (dynamicC) {
    int cv = ctx.value(n.in(2));
    if (g.beta != 1.f) {
      int scaled = ctx.freshValue(n.in(2) + "/beta");
      EQW_RETURN_IF_ERROR(emitSequence(ctx, {scalarNode(n, "beta", BinaryOpKind::Mul, g.beta)}, cv, scaled));
      cv = scaled;
    }
    Node add = helperNode(n, "", OpKind::Binary, BinaryParams{});
    add.inputs = {cv};
    seq.push_back(std::move(add));
  }
  return emitSequence(ctx, std::move(seq), a, ctx.output(n));
}

Status gemmDynamicB(ImportContext& ctx, const OnnxNode& n, const GemmAttrs& g, int a) {
  auto b = ctx.dataInput(n, 1);
  if (!b) return b.status();
  int bv = *b;
  if (g.transB) {
    int t = ctx.freshValue(n.in(1) + "/transB");
    EQW_RETURN_IF_ERROR(emitSequence(ctx, {transposeNode(n, "transB")}, bv, t));
    bv = t;
  }
  std::vector<Node> seq;
  if (g.transA) seq.push_back(transposeNode(n, "transA"));
  Node mm = helperNode(n, "matmul", OpKind::MatMul, MatMulParams{});
  mm.inputs = {bv};
  seq.push_back(std::move(mm));
  if (g.alpha != 1.f) seq.push_back(scalarNode(n, "alpha", BinaryOpKind::Mul, g.alpha));
  if (n.hasInput(2)) {
    if (const ConstTensor* c = ctx.constant(n.in(2))) {
      seq.push_back(addConstNode(n, *c, g.beta));
    } else {
      int cv = ctx.value(n.in(2));
      if (g.beta != 1.f) {
        int scaled = ctx.freshValue(n.in(2) + "/beta");
        EQW_RETURN_IF_ERROR(emitSequence(ctx, {scalarNode(n, "beta", BinaryOpKind::Mul, g.beta)}, cv, scaled));
        cv = scaled;
      }
      Node add = helperNode(n, "", OpKind::Binary, BinaryParams{});
      add.inputs = {cv};
      seq.push_back(std::move(add));
    }
  }
  seq.back().name = n.name;
  return emitSequence(ctx, std::move(seq), a, ctx.output(n));
}

}  // namespace

Status convertGemm(ImportContext& ctx, const OnnxNode& n) {
  GemmAttrs g;
  g.alpha = n.attrs.f("alpha", 1.f);
  g.beta = n.attrs.f("beta", 1.f);
  g.transA = n.attrs.i("transA", 0) != 0;
  g.transB = n.attrs.i("transB", 0) != 0;
  EQW_RETURN_IF_ERROR(attrStatus(n));
  auto a = ctx.dataInput(n, 0);
  if (!a) return a.status();
  if (auto shape = ctx.shapeOf(*a); shape && shape->size() != 2)
    return ctx.invalid(n, "A must be 2-D, has shape " + toString(*shape));
  if (!n.hasInput(1)) return ctx.invalid(n, "input B is missing");
  if (const ConstTensor* b = ctx.constant(n.in(1))) return gemmConstB(ctx, n, g, *a, *b);
  return gemmDynamicB(ctx, n, g, *a);
}

Status convertMatMul(ImportContext& ctx, const OnnxNode& n) {
  auto a = ctx.dataInput(n, 0);
  if (!a) return a.status();
  if (!n.hasInput(1)) return ctx.invalid(n, "input B is missing");
  Node node = ctx.makeNode(n, OpKind::MatMul, MatMulParams{});
  node.inputs = {*a};
  if (const ConstTensor* b = ctx.constant(n.in(1))) {
    if (b->dims.size() != 2) return ctx.unsupportedOp(n, "constant B of rank " + std::to_string(b->dims.size()) + "; only 2-D");
    node.weights.push_back(b->toTensor());
  } else {
    node.inputs.push_back(ctx.value(n.in(1)));
  }
  node.outputs = {ctx.output(n)};
  ctx.emit(std::move(node));
  return Status::ok();
}

}  // namespace eqw::onnximport
