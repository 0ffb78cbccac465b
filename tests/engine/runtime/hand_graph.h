// Small builders for the runtime tests' hand-made graphs.
#pragma once

#include <eqw/graph.h>

#include <string>

namespace eqw::runtimetest {

// A ReLU node reading value `in` and writing a new value `out`.
inline void addRelu(Graph& g, const std::string& name, const std::string& in, const std::string& out) {
  Node n;
  n.name = name;
  n.kind = OpKind::Activation;
  ActivationParams p;
  p.act.kind = ActKind::ReLU;
  n.params = p;
  n.inputs = {g.findValue(in)};
  n.outputs = {g.addValue(out)};
  g.addNode(std::move(n));
}

}  // namespace eqw::runtimetest
