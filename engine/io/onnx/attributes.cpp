#include "io/onnx/attributes.h"

namespace eqw::onnximport {

using AP = onnx::AttributeProto;

namespace {

// Files from before IR version 2 leave AttributeProto.type unset; the filled field tells.
AP::AttributeType effectiveType(const AP& a) {
  if (a.type() != AP::UNDEFINED) return a.type();
  if (a.has_f()) return AP::FLOAT;
  if (a.has_i()) return AP::INT;
  if (a.has_s()) return AP::STRING;
  if (a.has_t()) return AP::TENSOR;
  if (a.has_g()) return AP::GRAPH;
  if (a.floats_size()) return AP::FLOATS;
  if (a.ints_size()) return AP::INTS;
  if (a.strings_size()) return AP::STRINGS;
  return AP::UNDEFINED;
}

const char* typeName(AP::AttributeType t) {
  return AP::AttributeType_IsValid(t) ? AP::AttributeType_Name(t).c_str() : "UNKNOWN";
}

}  // namespace

Attributes::Attributes(const onnx::NodeProto& node, std::string where) : node_(node), where_(std::move(where)) {}

const AP* Attributes::find(const std::string& name) const {
  for (const auto& a : node_.attribute())
    if (a.name() == name) return &a;
  return nullptr;
}

const AP* Attributes::typed(const std::string& name, AP::AttributeType want) const {
  const AP* a = find(name);
  if (!a) return nullptr;
  AP::AttributeType have = effectiveType(*a);
  // An empty list carries no type information; treat it as the list type asked for.
  if (have == want || (have == AP::UNDEFINED && (want == AP::INTS || want == AP::FLOATS))) return a;
  if (error_.isOk())
    error_ = parseError(where_ + ": attribute '" + name + "' is " + typeName(have) + ", expected " + typeName(want));
  return nullptr;
}

int64_t Attributes::i(const std::string& name, int64_t def) const {
  const AP* a = typed(name, AP::INT);
  return a ? a->i() : def;
}

float Attributes::f(const std::string& name, float def) const {
  const AP* a = typed(name, AP::FLOAT);
  return a ? a->f() : def;
}

std::string Attributes::s(const std::string& name, const std::string& def) const {
  const AP* a = typed(name, AP::STRING);
  return a ? a->s() : def;
}

std::vector<int64_t> Attributes::ints(const std::string& name, std::vector<int64_t> def) const {
  const AP* a = typed(name, AP::INTS);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : def;
}

std::vector<float> Attributes::floats(const std::string& name, std::vector<float> def) const {
  const AP* a = typed(name, AP::FLOATS);
  return a ? std::vector<float>(a->floats().begin(), a->floats().end()) : def;
}

const onnx::TensorProto* Attributes::t(const std::string& name) const {
  const AP* a = typed(name, AP::TENSOR);
  return a ? &a->t() : nullptr;
}

}  // namespace eqw::onnximport
