/* no_algorithm.c — a plug-in whose entry returns no algorithm (a test fixture for plugins.sh). */
#include <stddef.h>

#include <rivulet.h>

const rv_algorithm *rivulet_plugin(unsigned *api_version);
const rv_algorithm *rivulet_plugin(unsigned *api_version)
{
    *api_version = RV_API_VERSION;
    return NULL;
}
