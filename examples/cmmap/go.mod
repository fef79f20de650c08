module cmmap

go 1.19
