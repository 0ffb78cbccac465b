# Debian ships OpenCVConfig.cmake only with libopencv-dev, which pulls every module
# (highgui, Qt5, ...). We need four modules; find them directly and make imported targets.
find_path(EQW_OPENCV_INCLUDE_DIR opencv2/core.hpp PATH_SUFFIXES opencv4 REQUIRED)
foreach(module core imgproc imgcodecs dnn)
  find_library(EQW_OPENCV_${module}_LIBRARY opencv_${module} REQUIRED)
  add_library(eqw::opencv_${module} SHARED IMPORTED)
  set_target_properties(eqw::opencv_${module} PROPERTIES
    IMPORTED_LOCATION "${EQW_OPENCV_${module}_LIBRARY}"
    INTERFACE_INCLUDE_DIRECTORIES "${EQW_OPENCV_INCLUDE_DIR}")
endforeach()
