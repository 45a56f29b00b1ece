/* wrong_version.c — a plug-in built for the next API version, which rivulet must refuse (a fixture for plugins.sh). */
#include <rivulet.h>

const rv_algorithm *rivulet_plugin(unsigned *api_version);
const rv_algorithm *rivulet_plugin(unsigned *api_version)
{
    *api_version = RV_API_VERSION + 1;
    /* A descriptor of another version may have another layout; there is none here, so
     * reading it would crash rather than pass unnoticed. */
    return (const rv_algorithm *)1;
}
