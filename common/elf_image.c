/* elf_image.c: STUB */
#include "common/elf_image.h"
int gm_elf_image_stub_;
