/* gopclntab.h: STUB */
#ifndef GM_GOPCLNTAB_H
#define GM_GOPCLNTAB_H
#endif
