// Keep test output readable: structured logs only when asked for.
process.env.LOG_LEVEL ??= 'warn';
