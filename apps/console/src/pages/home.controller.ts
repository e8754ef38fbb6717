import { Controller, Get, Header, Req, Res } from '@nestjs/common';
import type { Response } from 'express';
import { PublicRoute, Role } from '@harbor/auth';
import { ConsolePage, ConsoleRequest } from '../session/console-page';
import { CONSOLE_CSS } from './layout';

@Controller()
export class HomeController {
  /** The board is the start page for both roles. */
  @Get()
  @ConsolePage(Role.ProgramAdmin, Role.ProgramDirector)
  home(@Req() _request: ConsoleRequest, @Res() response: Response): void {
    response.redirect(303, '/cases');
  }

  @Get('console.css')
  @PublicRoute('the console stylesheet, no data')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  @Header('x-content-type-options', 'nosniff')
  stylesheet(): string {
    return CONSOLE_CSS;
  }
}
