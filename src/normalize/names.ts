/**
 * Name grammars. Docker itself only rejects a blank stack name, but swarmkit refuses any
 * service or network whose full name (`<stack>_<name>`) is not a DNS label
 * (`validateAnnotations`: `^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$`, at most 63 characters).
 * meshc checks that before deploying, and the same names end up in file names, iptables
 * comments and shell scripts, so nothing outside that grammar may pass.
 */

const DNS_COMPONENT = /^[a-zA-Z0-9](?:[-_]*[A-Za-z0-9]+)*$/;
const MAX_NAME = 63;

/** Why `name` cannot be a Swarm object name, or undefined when it can. */
export function dnsComponentProblem(name: string): string | undefined {
  if (!DNS_COMPONENT.test(name)) {
    return 'name must be valid as a DNS name component (letters and digits, with - or _ between them)';
  }
  if (name.length > MAX_NAME) return `name must be 63 characters or fewer (it has ${name.length})`;
  return undefined;
}

/** docker's `validateStackName` (blank after trimming quotes and space), then the DNS grammar. */
export function stackNameProblem(name: string): string | undefined {
  if (name.replace(/^[\s"']+|[\s"']+$/g, '') === '') return `invalid stack name: ${JSON.stringify(name)}`;
  const problem = dnsComponentProblem(name);
  // The default comes from the file name, so say how to choose another.
  return problem && `${problem}; choose one with --stack NAME`;
}

/** Swarm's full name of a stack object: `<stack>_<name>`. */
export function scopedName(stack: string, name: string): string {
  return `${stack}_${name}`;
}
