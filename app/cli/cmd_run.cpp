// eqw run MODEL --input IMG|DIR|LIST: FP32 predictions (placeholder until datasets land).
#include "args.h"
#include "commands.h"

namespace eqw::cli {
int cmdRun(const Argv&) { return fail("run", "not built yet"); }
}  // namespace eqw::cli
