/*
 * bench_vcopy.c - keepers/vcopy built for the oversubscribed_rw row
 * (oversub.mki, oversub.c) with a node table for its region: one GPT
 * per 16 pages, so 512 MiB needs 8,192 leaves and 546 GPTs above them,
 * more than vc_tree.h's default of 2,048 (8 MiB at 16 pages a leaf).
 * The table is 1.3 MiB of BSS, zero pages until the tree grows.
 */
#define VC_MAX_NODES	9216
#include "../../keepers/vcopy.c"
#include "../../keepers/vc_tree.c"
