/*
 * ctor_vc.c - vc_tree.c built for the constructor: one shadow per
 * instance with the smaller node table ctor.h sets, so that 128
 * instances' shadows fit in 22 MiB of BSS (zero pages until touched).
 */
#include "ctor.h"
#include "vc_tree.c"
