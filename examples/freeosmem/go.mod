module freeosmem

go 1.19
