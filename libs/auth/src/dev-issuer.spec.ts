import { decodeJwt } from 'jose';
import { DEMO_SUPPORTER_ID, DevTokenIssuer } from './dev-issuer';
import { Role } from './roles';

describe('the development token issuer', () => {
  it('prints one token per role; the supporter token is the demo supporter, so the demo can record an outcome', async () => {
    const issuer = await DevTokenIssuer.start();
    try {
      const tokens = await issuer.tokensForEveryRole();
      expect(decodeJwt(tokens[Role.Supporter])).toMatchObject({ sub: DEMO_SUPPORTER_ID, roles: [Role.Supporter] });
      expect(decodeJwt(tokens[Role.ProgramAdmin])).toMatchObject({ sub: 'dev-program-admin', roles: [Role.ProgramAdmin] });
    } finally {
      await issuer.stop();
    }
  });
});
