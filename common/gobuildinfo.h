/* gobuildinfo.h: STUB */
#ifndef GM_GOBUILDINFO_H
#define GM_GOBUILDINFO_H
#endif
