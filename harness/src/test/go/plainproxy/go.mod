module chaosgate.dev/bench/plainproxy

go 1.19
