// Imported first by every entry point. fsync and file creation run on libuv's thread pool;
// with the default 4 threads, concurrent SMTP sessions queue behind each other's fsyncs.
// The size must be set before the pool is first used.
process.env.UV_THREADPOOL_SIZE ??= '16';
export {};
