#ifndef LOOKOUT_CHIREDIS_SHIM_H
#define LOOKOUT_CHIREDIS_SHIM_H
// Only the pure parts of hiredis are used: the RESP reader and the command formatter.
// No hiredis call in Lookout touches a socket; SwiftNIO does the I/O.
#include <hiredis/hiredis.h>
#include <hiredis/read.h>
#endif
