import { Injectable } from '@nestjs/common';
import { ServiceUrls } from '../console.settings';
import { ConsoleForbidden, ConsoleRequest, ServiceRefused, SignInRequired } from '../session/console-page';

export type HarborService = 'intake' | 'matching' | 'notification' | 'reporting';

export interface ApiResult<T = unknown> {
  status: number;
  ok: boolean;
  body: T;
  /** For a refused request: the service's problem in words (title, detail and each field named). */
  problem?: string;
}

/** A problem+json body in one sentence for the page: the title, the detail and every field's message. */
export function describeProblem(status: number, body: unknown): string {
  const problem = (body ?? {}) as { title?: unknown; detail?: unknown; errors?: { field?: unknown; message?: unknown }[] };
  const parts = [typeof problem.title === 'string' ? problem.title : `The service answered ${status}`];
  if (typeof problem.detail === 'string') parts.push(problem.detail);
  for (const error of Array.isArray(problem.errors) ? problem.errors : []) parts.push(`${String(error.field ?? 'body')}: ${String(error.message ?? 'is not valid')}`);
  return parts.join('. ').replace(/\.\./g, '.');
}


/**
 * The services' JSON APIs, called server-side with the signed-in person's access token (token relay): the
 * services decide what the person may do, exactly as for any other caller. The browser never sees the token.
 */
@Injectable()
export class HarborApi {
  constructor(private readonly urls: ServiceUrls) {}

  async call<T = unknown>(request: ConsoleRequest, service: HarborService, method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<ApiResult<T>> {
    const token = request.console?.accessToken;
    if (!token) throw new SignInRequired('/');
    const headers: Record<string, string> = { authorization: `Bearer ${token}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = contentType;
    const response = await fetch(`${this.urls[service]}${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : typeof body === 'string' || Buffer.isBuffer(body) ? body : JSON.stringify(body),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    // The token expired or was revoked at the provider: sign in again.
    if (response.status === 401) throw new SignInRequired(request.method === 'GET' ? request.originalUrl : '/');
    if (response.status === 403) throw new ConsoleForbidden(describeProblem(403, parsed));
    return { status: response.status, ok: response.ok, body: parsed as T, problem: response.ok ? undefined : describeProblem(response.status, parsed) };
  }

  get<T = unknown>(request: ConsoleRequest, service: HarborService, path: string): Promise<ApiResult<T>> {
    return this.call<T>(request, service, 'GET', path);
  }

  /** A GET whose failure the page cannot do without (a list it shows): anything but 2xx is an error. */
  async read<T = unknown>(request: ConsoleRequest, service: HarborService, path: string): Promise<T> {
    const result = await this.get<T>(request, service, path);
    // A 4xx is the service refusing what the page asked (a filter the person typed), shown to them in its words;
    // anything else is the service failing.
    if (!result.ok && result.status < 500) throw new ServiceRefused(result.status === 404 ? 404 : 422, result.problem!);
    if (!result.ok) throw Object.assign(new Error(`${service} ${path.split('?')[0]} answered ${result.status}`), { status: 502 });
    return result.body;
  }
}
