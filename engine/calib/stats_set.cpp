#include <eqw/calib.h>

namespace eqw {

const TensorStats* StatsSet::find(int valueId) const {
  auto it = values.find(valueId);
  return it == values.end() ? nullptr : &it->second;
}

const TensorStats* StatsSet::find(const std::string& valueName) const {
  for (const auto& [id, s] : values)
    if (s.name == valueName) return &s;
  return nullptr;
}

size_t StatsSet::bytes() const {
  size_t total = sizeof(StatsSet) + model.capacity();
  // A map node holds the key, the stats and about four pointers of bookkeeping.
  for (const auto& [id, s] : values) total += s.bytes() + sizeof(id) + 4 * sizeof(void*);
  return total;
}

}  // namespace eqw
