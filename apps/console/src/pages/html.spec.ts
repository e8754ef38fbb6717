import { html } from './html';
import { layout } from './layout';
import { Role } from '@harbor/auth';

describe('console HTML', () => {
  it('escapes every interpolated value, nested Html stays markup', () => {
    const name = '<script>alert("x")</script>';
    expect(html`<p title="${name}">${name}${html`<b>ok</b>`}</p>`.text).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;<b>ok</b></p>',
    );
  });

  it('shows each role only its pages: recognition for the director, triage for the administrator', () => {
    const page = (roles: Role[]) => layout({ title: 'T', body: html``, user: { subject: 's', name: 'n', roles }, csrf: 'c' });
    expect(page([Role.ProgramDirector])).toContain('href="/recognition"');
    expect(page([Role.ProgramDirector])).not.toContain('href="/triage"');
    expect(page([Role.ProgramAdmin])).toContain('href="/triage"');
    expect(page([Role.ProgramAdmin])).not.toContain('href="/recognition"');
    expect(page([Role.ProgramAdmin])).toContain('name="_csrf" value="c"');
  });
});
