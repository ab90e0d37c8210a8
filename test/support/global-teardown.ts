export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __calsyncStops?: (() => Promise<void>)[] }).__calsyncStops ?? [];
  await Promise.allSettled(stops.reverse().map((stop) => stop()));
}
