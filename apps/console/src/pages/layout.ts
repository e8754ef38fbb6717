import { Role } from '@harbor/auth';
import { Html, html } from './html';

export interface SignedInUser {
  subject: string;
  name: string;
  roles: Role[];
}

export interface PageView {
  title: string;
  body: Html;
  user?: SignedInUser;
  /** The session's anti-forgery token, put into every form (the sign-out form included). */
  csrf?: string;
  /** A one-time message after a change ("Supporter saved"), or a problem the service reported. */
  notice?: { kind: 'ok' | 'problem'; text: string | Html };
  /** The nav entry of this page. */
  current?: string;
}

/** The console's navigation: every page, and who sees it. */
export const NAV: readonly { path: string; label: string; roles: readonly Role[] }[] = [
  { path: '/cases', label: 'Cases', roles: [Role.ProgramAdmin, Role.ProgramDirector] },
  { path: '/triage', label: 'Triage', roles: [Role.ProgramAdmin] },
  { path: '/roster', label: 'Roster', roles: [Role.ProgramAdmin, Role.ProgramDirector] },
  { path: '/directory', label: 'Directory', roles: [Role.ProgramAdmin] },
  { path: '/training-lapses', label: 'Training lapses', roles: [Role.ProgramAdmin, Role.ProgramDirector] },
  { path: '/staff-pages', label: 'Failed staff pages', roles: [Role.ProgramAdmin, Role.ProgramDirector] },
  { path: '/debriefs', label: 'Group debriefs', roles: [Role.ProgramAdmin, Role.ProgramDirector] },
  { path: '/opt-outs', label: 'Opt-outs', roles: [Role.ProgramAdmin, Role.ProgramDirector] },
  { path: '/settings', label: 'Program settings', roles: [Role.ProgramAdmin, Role.ProgramDirector] },
  { path: '/recognition', label: 'Recognition', roles: [Role.ProgramDirector] },
];

/** A hidden field with the session's anti-forgery token; every POST form carries one. */
export function csrfField(csrf: string | undefined): Html {
  return html`<input type="hidden" name="_csrf" value="${csrf ?? ''}">`;
}

export function layout(view: PageView): string {
  const entries = view.user ? NAV.filter((entry) => entry.roles.some((role) => view.user!.roles.includes(role))) : [];
  const nav = entries.length > 0
    ? html`<nav aria-label="Console"><ul>${entries.map((entry) => html`<li><a href="${entry.path}"${entry.path === view.current ? html` aria-current="page"` : ''}>${entry.label}</a></li>`)}</ul></nav>`
    : '';
  const account = view.user
    ? html`<form class="signout" method="post" action="/auth/logout">${csrfField(view.csrf)}<span>${view.user.name}</span> <button type="submit">Sign out</button></form>`
    : '';
  const notice = view.notice ? html`<div class="notice ${view.notice.kind}" role="${view.notice.kind === 'problem' ? 'alert' : 'status'}">${view.notice.text}</div>` : '';
  return `<!doctype html>${html`<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${view.title} · Harbor console</title><link rel="stylesheet" href="/console.css"></head>
<body><header><a class="brand" href="/">Harbor console</a>${account}</header>${nav}
<main id="main"><h1>${view.title}</h1>${notice}${view.body}</main></body></html>`.text}`;
}

/** The console's one stylesheet (served from /console.css, so the CSP needs no inline style). */
export const CONSOLE_CSS = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1b1f23;background:#f6f7f9}
header{display:flex;flex-wrap:wrap;gap:.5rem;justify-content:space-between;align-items:center;padding:.5rem 1rem;background:#123a5e;color:#fff}
header a.brand{color:#fff;font-weight:600;text-decoration:none}
header .signout{display:flex;gap:.5rem;align-items:center;margin:0}
nav ul{list-style:none;margin:0;padding:.25rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;background:#dfe7ef}
nav a{color:#123a5e}
nav a[aria-current=page]{font-weight:700}
main{padding:1rem;max-width:72rem}
h1{font-size:1.5rem;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
.table-wrap{overflow-x:auto}
@media (max-width:40rem){table.stack thead{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}table.stack tr{display:block;border-bottom:1px solid #d0d7de;padding:.25rem 0}table.stack td{display:grid;grid-template-columns:minmax(6rem,40%) 1fr;gap:.5rem;border:0;padding:.1rem .5rem;overflow-wrap:anywhere}table.stack td::before{content:attr(data-label);font-weight:600}}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;padding:.4rem .5rem;border-bottom:1px solid #d0d7de;vertical-align:top}
input[type=file]{width:100%}
form.inline{display:inline}
fieldset{border:1px solid #d0d7de;background:#fff;margin:0 0 1rem;padding:.75rem}
label{display:block;margin:.5rem 0 .15rem;font-weight:600}
input,select,textarea{font:inherit;max-width:100%}
input[type=text],input[type=date],input[type=number],input[type=time],input[type=url],input[type=tel],select,textarea{width:100%;padding:.35rem;border:1px solid #6a737d;border-radius:3px}
.row{display:flex;flex-wrap:wrap;gap:.5rem}
.row>div{flex:1 1 12rem}
button{white-space:nowrap;font:inherit;padding:.4rem .9rem;border:1px solid #123a5e;border-radius:3px;background:#123a5e;color:#fff;cursor:pointer}
button.secondary{background:#fff;color:#123a5e}
.notice{padding:.5rem .75rem;margin:0 0 1rem;border-left:4px solid}
.notice.ok{background:#e6f4ea;border-color:#1e7e34}
.notice.problem{background:#fdecea;border-color:#b42318}
.muted{color:#57606a}
.offer{background:#fff;border:1px solid #d0d7de;padding:.5rem .75rem;margin:0 0 .75rem}
.offer h3{font-size:1rem;margin:0 0 .25rem}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem .75rem;margin:0 0 .5rem}
dl.facts dd{margin:0}
.status{display:inline-block;padding:0 .4rem;border-radius:3px;background:#dfe7ef}
.choice{display:flex;gap:.5rem;align-items:center}.choice label{margin:.15rem 0;font-weight:400}
`;
