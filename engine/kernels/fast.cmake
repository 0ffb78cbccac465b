# Fast kernels (included by engine/kernels/CMakeLists.txt). The drivers (packing of weights,
# blocking, threading) are generic C++ in eqw_engine; the inner loops live in one OBJECT library
# per ISA with its own -m flags (STYLE.md 7), so no other file is ever compiled for a CPU the
# machine may lack. ISA files include only <immintrin.h> and plain headers and keep their
# helpers in anonymous namespaces: no inline function compiled with -mavx512f can be picked by
# the linker for code that runs on a weaker CPU.
set(_eqw_k ${CMAKE_CURRENT_LIST_DIR})

target_sources(eqw_engine PRIVATE
  ${_eqw_k}/fast.cpp
  ${_eqw_k}/peak/peak.cpp
  ${_eqw_k}/fast_kernel.cpp
  ${_eqw_k}/gemm/thread_scratch.cpp
  ${_eqw_k}/gemm/f32_inner_product.cpp
  ${_eqw_k}/conv/f32_conv_setup.cpp
  ${_eqw_k}/conv/f32_conv2d.cpp
  ${_eqw_k}/conv/f32_conv2d_gemm.cpp
  ${_eqw_k}/conv/f32_conv2d_gemm_t.cpp
  ${_eqw_k}/conv/f32_conv2d_winograd.cpp
  ${_eqw_k}/conv/f32_conv2d_depthwise.cpp
  ${_eqw_k}/pool/f32_pool.cpp
  ${_eqw_k}/norm/f32_lrn.cpp
  ${_eqw_k}/eltwise/f32_eltwise.cpp
  ${_eqw_k}/eltwise/f32_channel_affine.cpp
  ${_eqw_k}/eltwise/f32_trans_act.cpp)

if(CMAKE_SYSTEM_PROCESSOR MATCHES "^(x86_64|AMD64|amd64)$")
  # eqw_isa_library(<name> FLAGS <flag>... SOURCES <file>...)
  function(eqw_isa_library name)
    cmake_parse_arguments(ARG "" "" "FLAGS;SOURCES" ${ARGN})
    add_library(${name} OBJECT ${ARG_SOURCES})
    # GCC 12 warns about the deliberately undefined source operand inside its own AVX-512
    # intrinsics (_mm512_max_ps, _mm512_reduce_add_ps..., GCC bug 105593, fixed in 13).
    target_compile_options(${name} PRIVATE ${ARG_FLAGS}
      $<$<AND:$<CXX_COMPILER_ID:GNU>,$<VERSION_LESS:$<CXX_COMPILER_VERSION>,13>>:-Wno-maybe-uninitialized -Wno-uninitialized>)
    target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR}/engine ${PROJECT_SOURCE_DIR}/engine/include)
    set_target_properties(${name} PROPERTIES POSITION_INDEPENDENT_CODE ON)
    target_sources(eqw_engine PRIVATE $<TARGET_OBJECTS:${name}>)
  endfunction()

  eqw_isa_library(eqw_kernels_sse41
    FLAGS -msse4.1
    SOURCES ${_eqw_k}/peak/x86/sse41/peak_sse41.cpp)

  eqw_isa_library(eqw_kernels_avx2
    FLAGS -mavx2 -mfma
    SOURCES
      ${_eqw_k}/gemm/x86/avx2/f32_gemm_6x16_avx2.cpp
      ${_eqw_k}/gemm/x86/avx2/f32_gemm_t_6x16_avx2.cpp
      ${_eqw_k}/gemm/x86/avx2/f32_gemv_avx2.cpp
      ${_eqw_k}/conv/x86/avx2/f32_im2col_pack_avx2.cpp
      ${_eqw_k}/conv/x86/avx2/f32_dwconv_avx2.cpp
      ${_eqw_k}/pool/x86/avx2/f32_pool_avx2.cpp
      ${_eqw_k}/eltwise/x86/avx2/f32_eltwise_avx2.cpp
      ${_eqw_k}/eltwise/x86/avx2/f32_trans_act_avx2.cpp
      ${_eqw_k}/peak/x86/avx2/peak_avx2.cpp)

  eqw_isa_library(eqw_kernels_avxvnni
    FLAGS -mavx2 -mfma -mavxvnni
    SOURCES ${_eqw_k}/peak/x86/avxvnni/peak_avxvnni.cpp)

  eqw_isa_library(eqw_kernels_avx512
    FLAGS -mavx2 -mfma -mavx512f -mavx512bw -mavx512vl -mavx512dq
    SOURCES
      ${_eqw_k}/gemm/x86/avx512/f32_gemm_12x32_avx512.cpp
      ${_eqw_k}/gemm/x86/avx512/f32_gemm_t_12x32_avx512.cpp
      ${_eqw_k}/gemm/x86/avx512/f32_gemm_rows_12x32_avx512.cpp
      ${_eqw_k}/gemm/x86/avx512/f32_gemv_avx512.cpp
      ${_eqw_k}/conv/x86/avx512/f32_im2col_pack_avx512.cpp
      ${_eqw_k}/conv/x86/avx512/f32_dwconv_avx512.cpp
      ${_eqw_k}/conv/x86/avx512/f32_dwconv_direct_avx512.cpp
      ${_eqw_k}/conv/x86/avx512/f32_dwconv_blocked_avx512.cpp
      ${_eqw_k}/conv/x86/avx512/f32_winograd43_avx512.cpp
      ${_eqw_k}/pool/x86/avx512/f32_pool_avx512.cpp
      ${_eqw_k}/eltwise/x86/avx512/f32_eltwise_avx512.cpp
      ${_eqw_k}/eltwise/x86/avx512/f32_trans_act_avx512.cpp
      ${_eqw_k}/peak/x86/avx512/peak_avx512.cpp)

  eqw_isa_library(eqw_kernels_avx512vnni
    FLAGS -mavx2 -mfma -mavx512f -mavx512bw -mavx512vl -mavx512dq -mavx512vnni
    SOURCES ${_eqw_k}/peak/x86/avx512vnni/peak_avx512vnni.cpp)

  # A peak is a measurement of the hardware: always optimised, whatever the build type (a Debug
  # or sanitizer build would otherwise time spills, not FMA pipes).
  set_source_files_properties(
    ${_eqw_k}/peak/x86/sse41/peak_sse41.cpp ${_eqw_k}/peak/x86/avx2/peak_avx2.cpp
    ${_eqw_k}/peak/x86/avxvnni/peak_avxvnni.cpp ${_eqw_k}/peak/x86/avx512/peak_avx512.cpp
    ${_eqw_k}/peak/x86/avx512vnni/peak_avx512vnni.cpp
    PROPERTIES COMPILE_OPTIONS "-O2;-fno-sanitize=all")

  target_compile_definitions(eqw_engine PRIVATE EQW_X86_KERNELS=1)
endif()

# The LRN driver is generic C++ (doubles, as the reference sums them): its row loops vectorize
# only with the dynamic cost model that -O2 leaves off in GCC 12, and its square roots only where
# they need not set errno (the scale is positive; nothing reads errno).
set_source_files_properties(${_eqw_k}/norm/f32_lrn.cpp TARGET_DIRECTORY eqw_engine PROPERTIES COMPILE_OPTIONS "-ftree-vectorize;-fvect-cost-model=dynamic;-fno-math-errno")
