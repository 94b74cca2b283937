import { mintUserToken, roles, type Role } from '@hotline/shared';
import { DEFAULT_ISSUER, DEVELOPMENT_JWT_SECRET } from '../environment';

/**
 * Mints a development token for a role:  npm run token -- <role> [--unit <unit-id>] [--district <code>] [--sub <id>]
 * Signed with JWT_SECRET (the development secret unless set), valid for 12 hours.
 */
async function main(argv: string[]): Promise<void> {
  const [role, ...rest] = argv;
  if (!role || !(roles as readonly string[]).includes(role)) {
    console.error(`usage: npm run token -- <role> [--unit <unit-id>] [--district <code>] [--sub <id>]\nroles: ${roles.join(', ')}`);
    process.exit(2);
  }
  const option = (name: string) => {
    const at = rest.indexOf(`--${name}`);
    return at >= 0 ? rest[at + 1] : undefined;
  };
  const unit = option('unit') ?? (role === 'handler' ? 'unit-110199-001' : undefined);
  const token = await mintUserToken(
    { sub: option('sub') ?? `demo-${role}`, roles: [role as Role], district: option('district') ?? '110199', ...(unit ? { unit } : {}) },
    process.env.JWT_SECRET ?? DEVELOPMENT_JWT_SECRET,
    process.env.JWT_ISSUER ?? DEFAULT_ISSUER,
  );
  console.log(token);
}

void main(process.argv.slice(2));
