#ifndef BATON_CPROTOBUFC_SHIM_H
#define BATON_CPROTOBUFC_SHIM_H
#include <protobuf-c/protobuf-c.h>
#endif
