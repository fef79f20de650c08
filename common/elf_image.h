/* elf_image.h: STUB */
#ifndef GM_ELF_IMAGE_H
#define GM_ELF_IMAGE_H
#endif
