module ruser.test/go

go 1.19
