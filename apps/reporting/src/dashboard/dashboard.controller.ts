import { Controller, Get, Header } from '@nestjs/common';
import { PublicRoute } from '@harbor/auth';
import { AT_A_GLANCE_CSS, AT_A_GLANCE_HTML, AT_A_GLANCE_JS } from './at-a-glance.assets';
import { DASHBOARD_CSS, DASHBOARD_HTML, DASHBOARD_JS } from './dashboard.assets';

const STYLESHEET = DASHBOARD_CSS + AT_A_GLANCE_CSS;

const CSP = "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** Static assets only: the page holds no data; its script calls the protected API with the user's token. */
@Controller('dashboard')
export class DashboardController {
  @Get()
  @PublicRoute('static dashboard page without data; its data comes from the role-checked API')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CSP)
  @Header('referrer-policy', 'no-referrer')
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-store')
  page(): string {
    return DASHBOARD_HTML;
  }

  @Get('app.js')
  @PublicRoute('static dashboard script')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-cache')
  script(): string {
    return DASHBOARD_JS;
  }

  @Get('app.css')
  @PublicRoute('static dashboard stylesheet')
  @Header('content-type', 'text/css; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-cache')
  stylesheet(): string {
    return STYLESHEET;
  }

  /** The program at a glance page: no data; its script reads /v1/metrics/at-a-glance with the user's token. */
  @Get('at-a-glance')
  @PublicRoute('static program-at-a-glance page without data; its data comes from the role-checked API')
  @Header('content-type', 'text/html; charset=utf-8')
  @Header('content-security-policy', CSP)
  @Header('referrer-policy', 'no-referrer')
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-store')
  glance(): string {
    return AT_A_GLANCE_HTML;
  }

  @Get('at-a-glance.js')
  @PublicRoute('static program-at-a-glance script')
  @Header('content-type', 'text/javascript; charset=utf-8')
  @Header('x-content-type-options', 'nosniff')
  @Header('cache-control', 'no-cache')
  glanceScript(): string {
    return AT_A_GLANCE_JS;
  }
}
