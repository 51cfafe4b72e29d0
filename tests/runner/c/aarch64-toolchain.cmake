# Cross-compile for aarch64 Linux with Debian's cross gcc, and run what is built (tests,
# try_run, check_c_source_runs) under ruser: the recipe from ruser's README.
set(CMAKE_SYSTEM_NAME Linux)
set(CMAKE_SYSTEM_PROCESSOR aarch64)
set(CMAKE_C_COMPILER aarch64-linux-gnu-gcc)
set(CMAKE_CROSSCOMPILING_EMULATOR ruser-aarch64 -L /usr/aarch64-linux-gnu)
