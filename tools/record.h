/* record.h: `gomemtrace record`. */
#ifndef GM_RECORD_H
#define GM_RECORD_H
int gm_record_main(int argc, char **argv);
#endif
