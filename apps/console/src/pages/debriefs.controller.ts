import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { Role } from '@harbor/auth';
import { HarborApi } from '../api/harbor-api';
import { ConsolePage, ConsoleRequest, redirectWithNotice, renderPage } from '../session/console-page';
import { debriefOutcomeFromForm, debriefOutcomeProblem, debriefsBody, DebriefPageView, DebriefView } from './debriefs-view';
import { FormBody, PROGRAM_ID, UUID } from './forms';


/** Group debriefs (issue #15): the ones offered to units, and their structured outcome, from matching. */
@Controller()
export class DebriefsController {
  constructor(private readonly api: HarborApi) {}

  @Get('debriefs')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async list(@Req() request: ConsoleRequest, @Res() response: Response, @Query('program') programParam?: string): Promise<void> {
    const program = programParam && PROGRAM_ID.test(programParam) ? programParam : undefined;
    const query = (status: string, limit: number) => `/v1/debriefs?${new URLSearchParams({ status, limit: String(limit), ...(program ? { program } : {}) })}`;
    const [open, held, declined, pages] = await Promise.all([
      this.api.read<{ debriefs: DebriefView[] }>(request, 'matching', query('offered', 200)),
      this.api.read<{ debriefs: DebriefView[] }>(request, 'matching', query('held', 50)),
      this.api.read<{ debriefs: DebriefView[] }>(request, 'matching', query('declined', 50)),
      // Who was paged and whether it reached them; the page still serves the outcome forms without it (notification
      // down or refusing: the count of coordinators paged is shown instead).
      this.api.get<{ pages: DebriefPageView[] }>(request, 'notification', '/v1/staff-pages?kind=group-debrief-offer&limit=200').catch(() => undefined),
    ]);
    const closed = [...held.debriefs, ...declined.debriefs].sort((a, b) => (b.closedAt ?? '').localeCompare(a.closedAt ?? ''));
    const body = debriefsBody({ open: open.debriefs, closed, pages: pages?.ok ? pages.body.pages : undefined, program, csrf: request.console!.csrf });
    renderPage(request, response, { title: 'Group debriefs', body, current: '/debriefs' });
  }

  @Post('debriefs/:id/outcome')
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  async outcome(@Req() request: ConsoleRequest, @Res() response: Response, @Param('id') id: string, @Body() body: FormBody): Promise<void> {
    if (!UUID.test(id)) return redirectWithNotice(request, response, '/debriefs', { kind: 'problem', text: 'There is no such group debrief.' });
    const outcome = debriefOutcomeFromForm(body);
    const result = await this.api.call<{ status: string; attendanceBand: string | null; unit: string }>(request, 'matching', 'POST', `/v1/debriefs/${id}/outcome`, outcome);
    const text = result.ok
      ? `Recorded for unit ${result.body.unit}: ${result.body.status}${result.body.attendanceBand ? `, ${result.body.attendanceBand} attended` : ''}.`
      : debriefOutcomeProblem(result.status, result.problem!);
    redirectWithNotice(request, response, '/debriefs', { kind: result.ok ? 'ok' : 'problem', text });
  }
}
