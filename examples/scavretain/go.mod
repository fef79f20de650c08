module scavretain

go 1.19
