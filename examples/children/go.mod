module children

go 1.19
