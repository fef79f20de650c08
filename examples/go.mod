module gomemtrace/examples

go 1.19
