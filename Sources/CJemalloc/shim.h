#ifndef BATON_CJEMALLOC_SHIM_H
#define BATON_CJEMALLOC_SHIM_H
#include <jemalloc/jemalloc.h>
#endif
