/* plugin.c — `rivulet run ./myprog.so`: loading a vertex program from a shared object.
 *
 * A plug-in exports one function, rivulet_plugin(), which RV_PLUGIN() in rivulet.h
 * defines: it returns the plug-in's rv_algorithm and the API version the plug-in was
 * compiled against. The version is checked before anything else in the descriptor is
 * read, since a descriptor of another version may have another layout. */
#include "cli.h"

#include <dlfcn.h>
#include <string.h>

bool rv__cli_is_plugin_path(const char *arg)
{
    size_t length = strlen(arg);
    return strchr(arg, '/') != NULL || (length > 3 && strcmp(arg + length - 3, ".so") == 0);
}

int rv__cli_plugin_load(const char *path, const rv_algorithm **algorithm, void **handle, char *error,
                        size_t error_capacity)
{
    *algorithm = NULL;
    *handle = NULL;
    /* dlopen() searches the library path for a name without a slash; a plug-in named
     * on the command line is a file, so make the name a path. */
    char local[4096];
    if (strchr(path, '/') == NULL) {
        snprintf(local, sizeof local, "./%s", path);
        path = local;
    }
    void *library = dlopen(path, RTLD_NOW | RTLD_LOCAL);
    if (library == NULL) {
        const char *why = dlerror();
        rv__cli_format(error, error_capacity, "cannot load plug-in '%s': %s", path, why ? why : "unknown reason");
        return RV_ENOTFOUND;
    }
    rv_plugin_entry entry;
    /* The ISO C cast from void * to a function pointer goes through memcpy. */
    void *symbol = dlsym(library, RV_PLUGIN_SYMBOL);
    memcpy(&entry, &symbol, sizeof entry);
    if (symbol == NULL) {
        rv__cli_format(error, error_capacity, "plug-in '%s' exports no %s() (add RV_PLUGIN(your_algorithm) to it)",
                       path, RV_PLUGIN_SYMBOL);
        dlclose(library);
        return RV_ENOTFOUND;
    }
    unsigned version = 0;
    const rv_algorithm *found = entry(&version);
    if (version != RV_API_VERSION) {
        rv__cli_format(error, error_capacity,
                       "plug-in '%s' was built for API version %u; this rivulet has API version %d: rebuild it "
                       "against this rivulet's rivulet.h",
                       path, version, RV_API_VERSION);
        dlclose(library);
        return RV_EVERSION;
    }
    if (found == NULL || found->name == NULL || found->configure == NULL) {
        rv__cli_format(error, error_capacity, "plug-in '%s' returned no algorithm, or one without name or configure()",
                       path);
        dlclose(library);
        return RV_EINVAL;
    }
    *algorithm = found;
    *handle = library;
    return RV_OK;
}

void rv__cli_plugin_unload(void **handle)
{
    if (*handle != NULL)
        dlclose(*handle);
    *handle = NULL;
}
