// An integration test waits on real servers that share two cores with the rest of the suite:
// Jest's 5 s default fails tests that are merely slow under load. A test that needs longer says so.
jest.setTimeout(30_000);
