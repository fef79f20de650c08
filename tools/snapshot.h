/* snapshot.h: `gomemtrace snapshot --pid PID`: write a flight recorder's ring buffers (snapshot.c). */
#ifndef GM_SNAPSHOT_H
#define GM_SNAPSHOT_H

/* argv[0] is "snapshot". 0: written (or ended, --stop); 1: written, but it lacks part of what a
 * report needs; 125: nothing written (after a message). */
int gm_snapshot_main(int argc, char **argv);
#endif
