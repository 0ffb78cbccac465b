// The int8 flow between consecutive integer layers (eqw/integer.h): which values stay integers,
// and the check that a graph's flow fields agree with each other. Split nodes (fan-out views)
// pass integers through unchanged; max pooling keeps them (quantize is monotone).
#include <eqw/integer.h>

#include <algorithm>
#include <bit>
#include <cstdint>
#include <string>

namespace eqw {

namespace {

// The grid a node's quantize reads its input with (integer layers) / the grid it writes.
struct Grid {
  int bits = 0;
  bool uns = false;
  float scale = 0.f;
  bool operator==(const Grid& o) const {
    return bits == o.bits && uns == o.uns && std::bit_cast<uint32_t>(scale) == std::bit_cast<uint32_t>(o.scale);
  }
};
Grid inputGrid(const NodeQuant& q) { return {q.bits, q.unsigned_input, q.input_scale}; }
Grid outputGrid(const NodeQuant& q) { return {q.output_bits, q.output_unsigned, q.output_scale}; }

bool isGraphOutput(const Graph& g, int v) { return std::find(g.outputs.begin(), g.outputs.end(), v) != g.outputs.end(); }
bool isSplit(const Node& n) { return n.kind == OpKind::Split && n.inputs.size() == 1; }
bool isMaxPool(const Node& n) {
  return n.kind == OpKind::Pooling && n.p<PoolParams>().type == PoolType::Max && n.inputs.size() == 1 && n.outputs.size() == 1;
}

std::string label(const Node& n) { return "node '" + n.name + "' (" + toString(n.kind) + ")"; }

// The nodes that read v's data, looking through Split nodes; false when v or a Split output on
// the way is a graph output, or a reader reads it beside other inputs.
bool readersOf(const Graph& g, int v, std::vector<int>& readers) {
  if (isGraphOutput(g, v)) return false;
  for (int c : g.consumers(v)) {
    const Node& n = g.nodes[static_cast<size_t>(c)];
    if (isSplit(n)) {
      for (int o : n.outputs)
        if (!readersOf(g, o, readers)) return false;
      continue;
    }
    if (n.inputs.size() != 1) return false;
    readers.push_back(c);
  }
  return true;
}

// Integer layers that all quantize their input on one grid: that grid, else none (bits 0).
Grid commonGrid(const Graph& g, const std::vector<int>& readers) {
  if (readers.empty()) return {};
  const NodeQuant& first = g.nodes[static_cast<size_t>(readers[0])].quant;
  for (int c : readers) {
    const NodeQuant& q = g.nodes[static_cast<size_t>(c)].quant;
    if (!q.active() || !sameInputGrid(q, first)) return {};
  }
  return inputGrid(first);
}

void writeOnto(NodeQuant& q, const Grid& grid) {
  q.output_scale = grid.scale;
  q.output_bits = grid.bits;
  q.output_unsigned = grid.uns;
}

// The node whose output v is, looking back through Split nodes; -1 for graph inputs.
int sourceOf(const Graph& g, int v) {
  int p = g.values[static_cast<size_t>(v)].producer;
  while (p >= 0 && isSplit(g.nodes[static_cast<size_t>(p)]))
    p = g.values[static_cast<size_t>(g.nodes[static_cast<size_t>(p)].inputs[0])].producer;
  return p;
}

}  // namespace

bool sameInputGrid(const NodeQuant& a, const NodeQuant& b) { return inputGrid(a) == inputGrid(b); }

int planInt8Flow(Graph& g) {
  int count = 0;
  for (size_t p = 0; p < g.nodes.size(); ++p) {
    const Node& producer = g.nodes[p];
    if (!producer.quant.active() || producer.outputs.size() != 1) continue;
    std::vector<int> readers;
    if (!readersOf(g, producer.outputs[0], readers) || readers.empty()) continue;
    // conv -> max pool -> integer layers: the pool runs on the readers' grid too.
    int pool = -1;
    if (readers.size() == 1 && isMaxPool(g.nodes[static_cast<size_t>(readers[0])])) {
      pool = readers[0];
      readers.clear();
      if (!readersOf(g, g.nodes[static_cast<size_t>(pool)].outputs[0], readers) || readers.empty()) continue;
    }
    const Grid grid = commonGrid(g, readers);
    if (grid.bits == 0) continue;
    writeOnto(g.nodes[p].quant, grid);
    if (pool >= 0) {
      NodeQuant& q = g.nodes[static_cast<size_t>(pool)].quant;
      q.quantized_input = true;
      writeOnto(q, grid);
      ++count;
    }
    for (int c : readers) g.nodes[static_cast<size_t>(c)].quant.quantized_input = true;
    ++count;
  }
  return count;
}

void clearInt8Flow(Graph& g) {
  for (Node& n : g.nodes) {
    n.quant.quantized_input = false;
    n.quant.output_scale = 0.f;
    n.quant.output_bits = 0;
    n.quant.output_unsigned = false;
  }
}

DType valueDType(const Graph& g, int value) {
  if (value < 0 || static_cast<size_t>(value) >= g.values.size()) return DType::F32;
  const int p = sourceOf(g, value);
  if (p < 0) return DType::F32;
  const NodeQuant& q = g.nodes[static_cast<size_t>(p)].quant;
  if (!q.writesIntegers()) return DType::F32;
  return q.output_unsigned ? DType::U8 : DType::I8;
}

Status checkInt8Flow(const Graph& g) {
  for (const Node& n : g.nodes) {
    const NodeQuant& q = n.quant;
    const bool pool = isMaxPool(n);
    if (q.writesIntegers()) {
      if (!(q.active() && n.outputs.size() == 1) && !(pool && q.quantized_input))
        return invalidArgument(label(n) + ": writes integers but is neither an integer layer with one output nor a max pooling of integers");
      if (q.output_bits != 8 && q.output_bits != 7)
        return invalidArgument(label(n) + ": output grid of " + std::to_string(q.output_bits) + " bits (8 or 7)");
    }
    for (int v : n.outputs)
      if (isGraphOutput(g, v) && valueDType(g, v) != DType::F32)
        return invalidArgument(label(n) + ": its output '" + g.values[static_cast<size_t>(v)].name + "' is a graph output and must stay float");
    if (isSplit(n)) continue;  // passes what it reads through
    for (size_t i = 0; i < n.inputs.size(); ++i) {
      const int v = n.inputs[i];
      const bool integer = valueDType(g, v) != DType::F32;
      if (integer != (q.quantized_input && i == 0))
        return invalidArgument(label(n) + ": reads '" + g.values[static_cast<size_t>(v)].name + "' as " +
                               (q.quantized_input ? "integers" : "floats") + ", but it holds " + (integer ? "integers" : "floats"));
    }
    if (!q.quantized_input) continue;
    if (!(q.active() && n.inputs.size() == 1) && !pool)
      return invalidArgument(label(n) + ": reads integers but is neither an integer layer nor a max pooling");
    const NodeQuant& src = g.nodes[static_cast<size_t>(sourceOf(g, n.inputs[0]))].quant;
    const Grid want = pool ? outputGrid(q) : inputGrid(q), have = outputGrid(src);
    if (!(want == have))
      return invalidArgument(label(n) + ": its input grid (" + std::to_string(want.bits) + " bits, scale " + std::to_string(want.scale) +
                             ") differs from the one its producer writes (" + std::to_string(have.bits) + " bits, scale " +
                             std::to_string(have.scale) + ")");
  }
  return Status::ok();
}

}  // namespace eqw
