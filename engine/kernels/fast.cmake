target_sources(eqw_engine PRIVATE ${CMAKE_CURRENT_LIST_DIR}/fast.cpp ${CMAKE_CURRENT_LIST_DIR}/peak/peak.cpp)
