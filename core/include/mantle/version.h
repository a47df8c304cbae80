#ifndef MANTLE_VERSION_INFO_H
#define MANTLE_VERSION_INFO_H
extern const char mantle_version[], mantle_git_rev[], mantle_build_date[], mantle_compiler[];
#endif
