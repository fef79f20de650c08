module goheapgrowth

go 1.19
