// The names the project file gives enum values, one list per enum, shared by writer and reader.
#pragma once

#include <eqw/calib.h>
#include <eqw/data.h>
#include <eqw/easyquant.h>
#include <eqw/quant.h>

#include <utility>
#include <vector>

namespace eqw::project {

template <typename E>
using Names = std::vector<std::pair<E, const char*>>;

inline const Names<Precision>& precisionNames() {
  static const Names<Precision> n = [] {
    Names<Precision> v;
    for (Precision p : {Precision::Fp32, Precision::Int8, Precision::Int7, Precision::W6, Precision::W5, Precision::W4})
      v.emplace_back(p, toString(p));
    return v;
  }();
  return n;
}

inline const Names<Granularity>& granularityNames() {
  static const Names<Granularity> n = [] {
    Names<Granularity> v;
    for (Granularity g : {Granularity::PerChannel, Granularity::PerTensor, Granularity::PerGroup})
      v.emplace_back(g, toString(g));
    return v;
  }();
  return n;
}

inline const Names<WeightMethod>& weightMethodNames() {
  static const Names<WeightMethod> n = [] {
    Names<WeightMethod> v;
    for (WeightMethod m : {WeightMethod::Max, WeightMethod::Aciq, WeightMethod::Mse}) v.emplace_back(m, toString(m));
    return v;
  }();
  return n;
}

inline const Names<DatasetLayout>& layoutNames() {
  static const Names<DatasetLayout> n = [] {
    Names<DatasetLayout> v;
    for (DatasetLayout l : {DatasetLayout::Auto, DatasetLayout::Folder, DatasetLayout::ClassFolders, DatasetLayout::ListFile})
      v.emplace_back(l, toString(l));
    return v;
  }();
  return n;
}

inline const Names<EasyQuantInput>& easyQuantInputNames() {
  static const Names<EasyQuantInput> n = [] {
    Names<EasyQuantInput> v;
    for (EasyQuantInput i : {EasyQuantInput::Isolated, EasyQuantInput::Sequential}) v.emplace_back(i, toString(i));
    return v;
  }();
  return n;
}

inline const Names<StatsValues>& statsValuesNames() {
  static const Names<StatsValues> n = {{StatsValues::All, "all"}, {StatsValues::QuantizableInputs, "quantizable-inputs"}};
  return n;
}

template <typename E>
const char* nameOf(const Names<E>& names, E value) {
  for (const auto& [v, name] : names)
    if (v == value) return name;
  return names.front().second;
}

}  // namespace eqw::project
