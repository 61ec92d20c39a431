// The running GoogleTest test's name as a file stem (suite and test, with
// '/' and '.' made '_'): the trace file and the seed line of a
// typed or parameterized test name it.
#pragma once

#include <gtest/gtest.h>

#include <string>

namespace abacus::tb {

inline std::string test_file_name() {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  std::string n = std::string(info->test_suite_name()) + "." + info->name();
  for (auto& ch : n) if (ch == '/' || ch == '.') ch = '_';
  return n;
}

}  // namespace abacus::tb
