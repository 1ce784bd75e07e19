/** Numeric IPv4 order (10.0.0.9 before 10.0.0.10), as `ipvsadm -Sn` output is sorted for review. */
export function compareIpv4(a: string, b: string): number {
  return ipv4Number(a) - ipv4Number(b);
}

export function ipv4Number(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}
