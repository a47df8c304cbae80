#include <version.h>
#include <mantle/version.h>

const char mantle_version[] = MANTLE_VERSION;
const char mantle_git_rev[] = MANTLE_GIT_REV;
const char mantle_build_date[] = MANTLE_BUILD_DATE;
const char mantle_compiler[] = "gcc " __VERSION__;
