# Unit tests of common/ (ELF images, .gopclntab, build info).
