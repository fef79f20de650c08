/* attach.h: `gomemtrace attach --pid PID`: record a window of a process already running with
 * the preload (attach.c). */
#ifndef GM_ATTACH_H
#define GM_ATTACH_H

/* argv[0] is "attach". 0: the window was recorded; 1: cut short or incomplete; 125: nothing
 * was recorded (after a message). */
int gm_attach_main(int argc, char **argv);
#endif
