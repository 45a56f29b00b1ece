/* no_entry.c — a shared object that is not a rivulet plug-in: it exports no rivulet_plugin() (a test fixture for plugins.sh). */
int not_a_plugin(void);
int not_a_plugin(void) { return 42; }
