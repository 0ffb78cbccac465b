# Generated Caffe deploy models vs OpenCV DNN.
#
# The models are generated at build time (a few seconds) rather than by a CTest fixture:
# eqw_add_test() discovers the gtest cases without a PROPERTIES hook, so FIXTURES_REQUIRED
# could not reach them, and build-time files also serve a test binary started by hand.
# The generator needs python3 with numpy (Debian's /usr/bin/python3 has it).
find_package(nlohmann_json REQUIRED)
if(NOT EQW_CAFFE_GEN_PYTHON)
  if(EXISTS /usr/bin/python3)
    set(_eqw_caffe_python /usr/bin/python3)
  else()
    find_package(Python3 REQUIRED COMPONENTS Interpreter)
    set(_eqw_caffe_python ${Python3_EXECUTABLE})
  endif()
  set(EQW_CAFFE_GEN_PYTHON ${_eqw_caffe_python} CACHE FILEPATH "python3 with numpy for tests/tools/caffe")
endif()

set(_eqw_caffe_gen_dir ${PROJECT_SOURCE_DIR}/tests/tools/caffe)
set(_eqw_caffe_gen_sources
  ${_eqw_caffe_gen_dir}/gen_caffe_models.py
  ${_eqw_caffe_gen_dir}/caffe_pb.py
  ${_eqw_caffe_gen_dir}/prototxt.py
  ${_eqw_caffe_gen_dir}/numpy_ops.py
  ${_eqw_caffe_gen_dir}/net_builder.py
  ${_eqw_caffe_gen_dir}/models_classify.py
  ${_eqw_caffe_gen_dir}/model_ssd.py
  ${_eqw_caffe_gen_dir}/model_zoo.py
  ${_eqw_caffe_gen_dir}/model_zoo_ext.py)
set(_eqw_caffe_models_stamp ${PROJECT_BINARY_DIR}/caffe_models/generated.stamp)
add_custom_command(
  OUTPUT ${_eqw_caffe_models_stamp}
  COMMAND ${CMAKE_COMMAND} -E rm -rf ${PROJECT_BINARY_DIR}/caffe_models
  COMMAND ${EQW_CAFFE_GEN_PYTHON} -B ${_eqw_caffe_gen_dir}/gen_caffe_models.py ${PROJECT_BINARY_DIR}/caffe_models
  COMMAND ${CMAKE_COMMAND} -E touch ${_eqw_caffe_models_stamp}
  DEPENDS ${_eqw_caffe_gen_sources}
  COMMENT "Generating Caffe test models (tests/tools/caffe)"
  VERBATIM)
add_custom_target(eqw_caffe_models DEPENDS ${_eqw_caffe_models_stamp})

eqw_add_test(test_caffe_models test_caffe_models.cpp)
target_link_libraries(test_caffe_models PRIVATE eqw::opencv_core eqw::opencv_dnn nlohmann_json::nlohmann_json)
add_dependencies(test_caffe_models eqw_caffe_models)
