/*
 * ctor_vc.c - vc_tree.c built for the constructor: one shadow per
 * instance with the smaller node table ctor.h sets, so that 128
 * instances' shadows fit in 4.5 MiB of BSS.
 */
#include "ctor.h"
#include "vc_tree.c"
