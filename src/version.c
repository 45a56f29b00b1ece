/* version.c — the library's version string (and the one source file of the exported library itself). */
#include "rivulet.h"

const char *rv_version(void) { return PACKAGE_VERSION; }
