# Run as a test (cmake -DMESSAGE=... -P): fails with MESSAGE.
message(FATAL_ERROR "${MESSAGE}")
