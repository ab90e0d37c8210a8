/** Extended property ids: type and GUID compare case-insensitively, the name exactly. */
export function samePropertyId(a: string, b: string): boolean {
  const split = (id: string) => {
    const m = /^(\w+)\s+(\{[^}]+\}|0x[0-9a-f]+)\s+(Name|Id)\s+(.+)$/i.exec(id.trim());
    return m ? [m[1]?.toLowerCase(), m[2]?.toLowerCase(), m[3]?.toLowerCase(), m[4]] : [id.toLowerCase()];
  };
  return JSON.stringify(split(a)) === JSON.stringify(split(b));
}
