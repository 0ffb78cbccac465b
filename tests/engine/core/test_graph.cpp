#include <eqw/graph.h>

#include <gtest/gtest.h>

namespace eqw {

namespace {
Node makeNode(std::string name, OpKind kind, OpParams params, std::vector<int> in, std::vector<int> out) {
  Node n;
  n.name = std::move(name);
  n.kind = kind;
  n.params = std::move(params);
  n.inputs = std::move(in);
  n.outputs = std::move(out);
  return n;
}
}  // namespace

TEST(Graph, ValidateOrdersTopologicallyAndNamesCycles) {
  Graph g;
  int in = g.addValue("data", {1, 3, 8, 8});
  int a = g.addValue("a");
  int b = g.addValue("b");
  g.inputs = {in};
  Node second = makeNode("second", OpKind::Identity, IdentityParams{}, {a}, {b});
  Node first = makeNode("first", OpKind::Identity, IdentityParams{}, {in}, {a});
  g.addNode(second);
  g.addNode(first);
  g.outputs = {b};
  ASSERT_TRUE(g.validate().isOk());
  EXPECT_EQ(g.nodes[0].name, "first");
  EXPECT_EQ(g.values[b].producer, 1);

  Graph cyc;
  int x = cyc.addValue("x");
  int y = cyc.addValue("y");
  cyc.addNode(makeNode("n1", OpKind::Identity, IdentityParams{}, {y}, {x}));
  cyc.addNode(makeNode("n2", OpKind::Identity, IdentityParams{}, {x}, {y}));
  Status s = cyc.validate();
  EXPECT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("cycle"), std::string::npos) << s.message();
}

TEST(Graph, MissingProducerIsNamed) {
  Graph g;
  int v = g.addValue("ghost");
  int o = g.addValue("out");
  g.addNode(makeNode("reader", OpKind::Activation, ActivationParams{}, {v}, {o}));
  Status s = g.validate();
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.message().find("'reader'"), std::string::npos);
  EXPECT_NE(s.message().find("'ghost'"), std::string::npos);
}

}  // namespace eqw
