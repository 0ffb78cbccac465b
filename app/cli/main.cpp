#include <eqw/cpu.h>
#include <cstdio>
int main() { std::printf("%s\n", eqw::cpuFeatures().describe().c_str()); return 0; }
