module quickstart

go 1.23
