/* no_entry.c — a shared object without rivulet_plugin(), which rivulet must refuse (a test fixture for plugins.sh). */
int not_a_plugin(void);
int not_a_plugin(void)
{
    return 42;
}
