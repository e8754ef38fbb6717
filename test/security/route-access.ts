import { Role } from '@harbor/auth';
import { ServiceName } from '../support/harbor-harness';

/** Who may call a route: the roles admitted (any one suffices), or nobody's token at all, with the reason. */
export type Access = { roles: Role[] } | { public: string };

const { SourceSystem, Supporter, ProgramAdmin, ProgramDirector, QsAnalyst, Ops } = Role;
const STAFF = [ProgramAdmin, ProgramDirector];
const HEALTH: Record<string, Access> = {
  'GET /health/live': { public: 'liveness probe, says nothing' },
  'GET /health/ready': { public: 'readiness probe, says nothing' },
  'GET /openapi.json': { public: 'describes the API, holds no data' },
};

/**
 * The declared table of who may call what, route by route, for every service. `authorization.test.ts` walks
 * every route the running apps serve against it: a route without a row here fails, and so does a row without a
 * route. docs/security.md shows the same table (the test checks that too).
 */
export const ROUTE_ACCESS: Record<ServiceName, Record<string, Access>> = {
  intake: {
    ...HEALTH,
    'POST /fhir/AdverseEvent': { roles: [SourceSystem] },
    'POST /v1/incidents': { roles: [SourceSystem] },
    'POST /v1/lawsuits': { roles: [SourceSystem] },
    'POST /v1/referrals': { roles: [SourceSystem, ProgramAdmin] },
    'GET /v1/triage': { roles: [ProgramAdmin] },
    'POST /v1/triage/:id/assign': { roles: [ProgramAdmin] },
    'POST /v1/triage/:id/dismiss': { roles: [ProgramAdmin] },
    'POST /v1/opt-outs': { roles: STAFF },
    'DELETE /v1/opt-outs': { roles: STAFF },
    'GET /v1/opt-outs/check': { roles: STAFF },
    'GET /v1/trigger-policy': { roles: STAFF },
    'PUT /v1/trigger-policy': { roles: STAFF },
    'GET /refer': { public: 'self-referral form: asks for nothing, shows no data' },
    'POST /refer': { public: 'self-referral form: rate-limited per client, anti-forgery token bound to a SameSite=Strict cookie' },
    'GET /refer/poster.pdf': { public: 'printable poster: the program name, the /refer address and the urgent line, no data' },
    'GET /refer/card.pdf': { public: 'printable badge card: the program name, the /refer address and the urgent line, no data' },
  },
  matching: {
    ...HEALTH,
    'POST /v1/directory/clinicians': { roles: [ProgramAdmin] },
    'POST /v1/directory/clinicians/import': { roles: [ProgramAdmin] },
    'POST /v1/roster/supporters': { roles: [ProgramAdmin] },
    'GET /v1/roster/supporters': { roles: STAFF },
    'GET /v1/cases/board': { roles: STAFF },
    'GET /v1/roster/supporters/:id': { roles: STAFF },
    'PUT /v1/roster/supporters/:id/schedule': { roles: [ProgramAdmin] },
    'POST /v1/roster/supporters/:id/unavailability': { roles: [ProgramAdmin] },
    'DELETE /v1/roster/supporters/:id/unavailability/:unavailabilityId': { roles: [ProgramAdmin] },
    'POST /v1/roster/supporters/:id/training': { roles: [ProgramAdmin] },
    'POST /v1/roster/supporters/:id/pause': { roles: [ProgramAdmin] },
    'POST /v1/roster/supporters/:id/activate': { roles: [ProgramAdmin] },
    'GET /v1/roster/training-lapses': { roles: STAFF },
    'GET /v1/roster/recognition': { roles: [ProgramDirector] },
    'GET /v1/program-staff': { roles: STAFF },
    'PUT /v1/program-staff/:id': { roles: STAFF },
    'GET /v1/policy': { roles: STAFF },
    'PUT /v1/policy': { roles: STAFF },
    'GET /v1/cases': { roles: STAFF },
    'GET /v1/cases/:id': { roles: STAFF },
    'GET /v1/cases/:id/explain': { roles: STAFF },
    'POST /v1/cases/:id/outcome': { roles: [Supporter, ...STAFF] },
    'DELETE /v1/cases/:id/follow-ups': { roles: [Supporter, ...STAFF] },
    'GET /v1/debriefs': { roles: STAFF },
    'GET /v1/debriefs/:id': { roles: STAFF },
    'POST /v1/debriefs/:id/outcome': { roles: STAFF },
  },
  notification: {
    ...HEALTH,
    'GET /a/:token': { public: 'signed single-offer link: the token in the path is the credential' },
    'POST /a/:token': { public: 'signed single-offer link: the token in the path is the credential' },
    'POST /webhooks/twilio/sms': { public: 'Twilio inbound SMS: authenticated by X-Twilio-Signature' },
    'POST /webhooks/twilio/status': { public: 'Twilio status callback: authenticated by X-Twilio-Signature' },
    'GET /v1/staff-pages': { roles: [...STAFF, Ops] },
    'GET /e/:token': { public: 'signed encounter link of one accepted assignment: the token in the path is the credential' },
    'POST /e/:token': { public: 'signed encounter link of one accepted assignment: the token in the path is the credential' },
    'GET /v1/programs/:program/encounter-content': { roles: STAFF },
    'PUT /v1/programs/:program/encounter-content': { roles: STAFF },
  },
  reporting: {
    ...HEALTH,
    'GET /v1/metrics/report': { roles: [QsAnalyst, ProgramDirector] },
    'GET /v1/metrics/report.csv': { roles: [QsAnalyst, ProgramDirector] },
    'GET /v1/metrics/summary': { roles: [QsAnalyst, ProgramDirector] },
    'GET /v1/metrics/at-a-glance': { roles: [QsAnalyst, ProgramDirector] },
    'GET /v1/metrics/at-a-glance.pdf': { roles: [QsAnalyst, ProgramDirector] },
    'POST /v1/recognition': { roles: [ProgramDirector] },
    'GET /dashboard': { public: 'static page without data; its data comes from the role-checked API' },
    'GET /dashboard/app.js': { public: 'static script without data' },
    'GET /dashboard/app.css': { public: 'static stylesheet' },
    'GET /dashboard/at-a-glance': { public: 'static page without data; its data comes from the role-checked API' },
    'GET /dashboard/at-a-glance.js': { public: 'static script without data' },
  },
};

/** The table as docs/security.md prints it. */
export function routeAccessMarkdown(): string {
  const rows = Object.entries(ROUTE_ACCESS).flatMap(([service, routes]) =>
    Object.entries(routes).map(([route, access]) => {
      const [method, path] = route.split(' ');
      const who = 'roles' in access ? access.roles.join(', ') : `public: ${access.public}`;
      return `| ${service} | ${method} | \`${path}\` | ${who} |`;
    }),
  );
  return ['| service | method | path | who may call |', '|---|---|---|---|', ...rows].join('\n');
}
