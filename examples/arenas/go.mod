module arenas

go 1.19
